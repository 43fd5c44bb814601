// routes/jobs.js — the jobs API: POST /api/jobs (202 {"id"}), GET /api/jobs/:id,
// DELETE /api/jobs/:id (cancels), and the WebSocket GET /api/jobs/:id/events, which pushes
// {done, total} at most 10 times a second, then the final state object, then closes.
import { HttpError } from "../errors.js";
import { jobJson, isFinal } from "../jobs.js";
import { parseRange } from "../numbers.js";
import { errorResponses, numberText } from "../schemas.js";

const idParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: { type: "string", maxLength: 64 } },
};

const jobState = {
  type: "object",
  description: "result: the summary or verification JSON (as GET /api/summary gives it, or the verify keys start, end, verified, followed, max_value, max_value_n); error: {code, message}",
  properties: {
    id: { type: "string" },
    kind: { type: "string", enum: ["summary", "verify"] },
    state: { type: "string", enum: ["queued", "running", "done", "cancelled", "failed"] },
    done: { type: "number" },
    total: { type: "number" },
    result: { type: "object", additionalProperties: true },
    error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } },
  },
};

/**
 * @param {import("../jobs.js").JobManager} jobs
 * @param {string} id
 */
function find(jobs, id) {
  const job = jobs.get(id);
  if (!job) throw new HttpError(404, "ERR_DASHBOARD_NO_SUCH_JOB", `no job ${id} (unknown, or finished long ago)`);
  return job;
}

/**
 * @param {import("fastify").FastifyInstance} app
 * @param {{ jobs: import("../jobs.js").JobManager, metrics: import("../metrics.js").Metrics, limits: { maxJobLength: bigint, eventsIntervalMs: number } }} options
 */
export default async function jobRoutes(app, { jobs, metrics, limits }) {
  app.post("/api/jobs", {
    schema: {
      summary: "Start a summary or verification of [start, end) in the background",
      body: {
        type: "object",
        required: ["kind", "start", "end"],
        additionalProperties: false,
        properties: {
          kind: { type: "string", enum: ["summary", "verify"] },
          start: numberText,
          end: numberText,
        },
      },
      response: {
        202: { type: "object", properties: { id: { type: "string" } } },
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const body = /** @type {{ kind: "summary" | "verify", start: string, end: string }} */ (request.body);
    const { start, end } = parseRange(body.start, body.end, { maxLength: limits.maxJobLength });
    const job = jobs.submit({ kind: body.kind, start, end, client: request.ip });
    reply.code(202).header("location", `/api/jobs/${job.id}`);
    return { id: job.id };
  });

  app.get("/api/jobs/:id", {
    schema: {
      summary: "A job's state, progress and result",
      params: idParams,
      response: { 200: jobState, 404: { $ref: "ErrorBody#" } },
    },
  }, async (request, reply) => {
    const job = find(jobs, /** @type {{ id: string }} */ (request.params).id);
    reply.type("application/json; charset=utf-8");
    return jobJson(job);
  });

  app.delete("/api/jobs/:id", {
    schema: {
      summary: "Cancel a job (a finished job is left as it is); answers its state",
      params: idParams,
      response: { 200: jobState, 404: { $ref: "ErrorBody#" } },
    },
  }, async (request, reply) => {
    const { id } = /** @type {{ id: string }} */ (request.params);
    find(jobs, id);
    const job = /** @type {import("../jobs.js").Job} */ (jobs.cancel(id));
    reply.type("application/json; charset=utf-8");
    return jobJson(job);
  });

  app.get("/api/jobs/:id/events", {
    websocket: true,
    schema: {
      summary: "WebSocket: {done, total} at most 10 times a second, then the final state object, then close",
      params: idParams,
    },
    preValidation: async (request) => {
      find(jobs, /** @type {{ id: string }} */ (request.params).id);
    },
  }, (socket, request) => {
    const job = find(jobs, /** @type {{ id: string }} */ (request.params).id);
    metrics.websockets.inc();
    let lastSent = 0;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    let closed = false;
    /** @type {() => void} */
    let unsubscribe = () => {};

    const sendProgress = () => {
      timer = undefined;
      if (closed || isFinal(job)) return;
      lastSent = Date.now();
      socket.send(JSON.stringify({ done: job.done, total: job.total }));
    };
    const finish = () => {
      if (closed) return;
      clearTimeout(timer);
      socket.send(jobJson(job), () => socket.close(1000, "job finished"));
      closed = true;
      unsubscribe();
    };
    socket.on("close", () => {
      closed = true;
      clearTimeout(timer);
      unsubscribe();
      metrics.websockets.dec();
    });
    socket.on("error", () => {});

    if (isFinal(job)) {
      finish();
      return;
    }
    sendProgress();
    unsubscribe = jobs.subscribe(job, (_job, final) => {
      if (final) {
        finish();
        return;
      }
      if (timer !== undefined || closed) return;
      const wait = lastSent + limits.eventsIntervalMs - Date.now();
      if (wait <= 0) sendProgress();
      else timer = setTimeout(sendProgress, wait);
    });
  });
}
