// jobs.js — background jobs (long summaries and verifications): a bounded queue, a cap on
// running jobs and a per-client quota (past any of them: 429), cancellation through an
// AbortController (the job is `cancelled` at once, the addon stops within a chunk), progress
// from the addon's onProgress, listeners for live events, and finished jobs kept for a while.
import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import { HttpError } from "./errors.js";

/** @typedef {"summary" | "verify"} JobKind */
/** @typedef {"queued" | "running" | "done" | "cancelled" | "failed"} JobState */

/**
 * @typedef {object} Job
 * @property {string} id
 * @property {JobKind} kind
 * @property {bigint} start
 * @property {bigint} end
 * @property {string} client who asked (the request's IP), for the quota
 * @property {JobState} state
 * @property {number} done start values done so far
 * @property {number} total start values in all
 * @property {string} [resultText] the result's JSON text, when done
 * @property {{ code: string, message: string }} [error] why it failed
 * @property {AbortController} controller
 * @property {Set<(job: Job, final: boolean) => void>} listeners
 */

/**
 * Runs one job: resolves with the result's JSON text.
 * @typedef {(job: Job, ctl: { signal: AbortSignal, onProgress: (done: number, total: number) => void }) => Promise<string>} Runner
 */

/**
 * @typedef {object} JobLimits
 * @property {number} [maxQueued] jobs waiting at most (default 16)
 * @property {number} [maxRunning] jobs running at once at most (default 2)
 * @property {number} [maxPerClient] queued and running jobs of one client at most (default 4)
 * @property {number} [maxFinished] finished jobs kept at most (default 1000)
 * @property {number} [finishedTtlMs] how long a finished job is kept (default 1 hour)
 */

const FINAL = new Set(["done", "cancelled", "failed"]);

export class JobManager {
  /**
   * @param {JobLimits & { runners: Record<JobKind, Runner>, metrics: import("./metrics.js").Metrics, log: import("fastify").FastifyBaseLogger }} options
   */
  constructor({ maxQueued = 16, maxRunning = 2, maxPerClient = 4, maxFinished = 1000, finishedTtlMs = 3_600_000, runners, metrics, log }) {
    this.maxQueued = maxQueued;
    this.maxRunning = maxRunning;
    this.maxPerClient = maxPerClient;
    this.runners = runners;
    this.metrics = metrics;
    this.log = log;
    /** @type {Job[]} */
    this.queue = [];
    /** Jobs whose addon call has not settled yet (a cancelled job holds its slot until then). */
    this.slots = 0;
    /** @type {Map<string, Job>} queued and running jobs */
    this.active = new Map();
    /** @type {LRUCache<string, Job>} */
    this.finished = new LRUCache({ max: maxFinished, ttl: finishedTtlMs });
    this.closing = false;
  }

  /** @returns {Record<string, number>} */
  countsByState() {
    /** @type {Record<string, number>} */
    const counts = { queued: 0, running: 0, done: 0, cancelled: 0, failed: 0 };
    for (const job of this.active.values()) counts[job.state] += 1;
    for (const job of this.finished.values()) counts[job.state] += 1;
    return counts;
  }

  get queueLength() {
    return this.queue.length;
  }

  /**
   * Queues a job, or refuses it with 429.
   * @param {{ kind: JobKind, start: bigint, end: bigint, client: string }} spec
   * @returns {Job}
   */
  submit({ kind, start, end, client }) {
    if (this.closing) {
      throw new HttpError(503, "ERR_DASHBOARD_SHUTTING_DOWN", "the service is shutting down", { "retry-after": "5" });
    }
    let mine = 0;
    for (const job of this.active.values()) if (job.client === client) mine += 1;
    if (mine >= this.maxPerClient) {
      throw new HttpError(429, "ERR_DASHBOARD_JOB_QUOTA",
        `you have ${mine} jobs queued or running, the most one client may have; wait for one to finish or cancel one`, { "retry-after": "5" });
    }
    const runsNow = this.slots < this.maxRunning && this.queue.length === 0;
    if (!runsNow && this.queue.length >= this.maxQueued) {
      throw new HttpError(429, "ERR_DASHBOARD_QUEUE_FULL",
        `the job queue is full (${this.queue.length} waiting, ${this.slots} running); retry later`, { "retry-after": "5" });
    }
    /** @type {Job} */
    const job = {
      id: randomUUID(),
      kind,
      start,
      end,
      client,
      state: "queued",
      done: 0,
      total: Number(end - start),
      controller: new AbortController(),
      listeners: new Set(),
    };
    this.active.set(job.id, job);
    this.queue.push(job);
    this.pump();
    return job;
  }

  /** @param {string} id */
  get(id) {
    return this.active.get(id) ?? this.finished.get(id);
  }

  /**
   * Cancels a queued or running job (a finished one is left as it is).
   * @param {string} id
   * @returns {Job | undefined}
   */
  cancel(id) {
    const job = this.active.get(id);
    if (!job) return this.finished.get(id);
    if (job.state === "queued") {
      this.queue.splice(this.queue.indexOf(job), 1);
    } else {
      job.controller.abort(new Error("cancelled"));
    }
    this.finish(job, "cancelled");
    return job;
  }

  /**
   * Calls `listener(job, final)` on each progress report and once at the end.
   * @param {Job} job
   * @param {(job: Job, final: boolean) => void} listener
   * @returns {() => void} unsubscribes
   */
  subscribe(job, listener) {
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Cancels every queued and running job and refuses new ones (shutdown). */
  closeAll() {
    this.closing = true;
    for (const id of [...this.active.keys()]) this.cancel(id);
  }

  /** Starts queued jobs while slots are free. */
  pump() {
    while (this.slots < this.maxRunning && this.queue.length > 0) {
      const job = /** @type {Job} */ (this.queue.shift());
      this.run(job);
    }
  }

  /** @param {Job} job */
  run(job) {
    this.slots += 1;
    job.state = "running";
    this.emit(job, false);
    const onProgress = (/** @type {number} */ done, /** @type {number} */ total) => {
      if (job.state !== "running") return;
      job.done = done;
      job.total = total;
      this.emit(job, false);
    };
    /** @type {Promise<string>} */
    let call;
    try {
      call = this.runners[job.kind](job, { signal: job.controller.signal, onProgress });
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then(
      (text) => {
        if (job.state !== "running") return;
        job.resultText = text;
        job.done = job.total;
        this.finish(job, "done");
      },
      (err) => {
        if (job.state !== "running") return;
        job.error = { code: typeof err?.code === "string" ? err.code : "ERR_DASHBOARD_JOB_FAILED", message: String(err?.message ?? err) };
        this.log.warn({ job: job.id, err: job.error }, "job failed");
        this.finish(job, "failed");
      },
    ).finally(() => {
      this.slots -= 1;
      this.pump();
    });
  }

  /**
   * @param {Job} job
   * @param {"done" | "cancelled" | "failed"} state
   */
  finish(job, state) {
    job.state = state;
    this.active.delete(job.id);
    this.finished.set(job.id, job);
    this.metrics.jobsFinished.inc({ kind: job.kind, state });
    this.emit(job, true);
    job.listeners.clear();
  }

  /**
   * @param {Job} job
   * @param {boolean} final
   */
  emit(job, final) {
    for (const listener of job.listeners) {
      try {
        listener(job, final);
      } catch (err) {
        this.log.error({ err }, "job listener failed");
      }
    }
  }
}

/** @param {Job} job */
export function isFinal(job) {
  return FINAL.has(job.state);
}

/**
 * A job as the API shows it: `{"id","kind","state","done","total","result"?,"error"?}`, the
 * result being the addon's JSON text inserted as is (its 64-bit numbers stay exact).
 * @param {Job} job
 * @returns {string}
 */
export function jobJson(job) {
  /** @type {Record<string, unknown>} */
  const head = { id: job.id, kind: job.kind, state: job.state, done: job.done, total: job.total };
  if (job.error) head.error = job.error;
  const text = JSON.stringify(head);
  return job.resultText === undefined ? text : `${text.slice(0, -1)},"result":${job.resultText}}`;
}
