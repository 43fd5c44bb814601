// routes/summary.js — GET /api/summary?start=A&end=B: exactly the JSON text of the CLI's
// `collatz range A B --json --records` (the addon's summaryJsonAsync, off the event loop),
// through the two-level cache. `histogram=true` adds the histogram of total stopping times
// (`histogram[t]` = how many n take t steps). Ranges longer than the limit (default 10^8) get
// 413 and the advice to use a job.
import collatz from "collatz-engine";
import { parseRange } from "../numbers.js";
import { errorResponses, rangeProps } from "../schemas.js";

/**
 * The cached summary of [start, end) as JSON text, and where it came from.
 * @param {import("../cache.js").TwoLevelCache} cache
 * @param {bigint} start
 * @param {bigint} end
 * @param {boolean} histogram whether the text holds the histogram
 * @param {AbortSignal} signal stops the computation (the app's, aborted at shutdown)
 */
export function cachedSummary(cache, start, end, histogram, signal) {
  return cache.get("summary", summaryKeyParts(start, end, histogram), async () =>
    Buffer.from(await collatz.summaryJsonAsync(start, end, { histogram, signal }), "utf8"));
}

/**
 * The cache key's parts of a summary: `summary:<start>:<end>`, with `:histogram` when it
 * holds one.
 * @param {bigint} start
 * @param {bigint} end
 * @param {boolean} histogram
 */
export function summaryKeyParts(start, end, histogram) {
  return histogram ? [start, end, "histogram"] : [start, end];
}

/**
 * @param {import("fastify").FastifyInstance} app
 * @param {{ cache: import("../cache.js").TwoLevelCache, limits: { maxSummaryLength: bigint }, signal: AbortSignal }} options
 */
export default async function summaryRoutes(app, { cache, limits, signal }) {
  app.get("/api/summary", {
    schema: {
      summary: "Summary of [start, end) with records (the CLI's `range A B --json --records`), cached",
      querystring: {
        type: "object",
        required: ["start", "end"],
        additionalProperties: false,
        properties: {
          ...rangeProps,
          histogram: { type: "boolean", default: false, description: "add the histogram of total stopping times" },
        },
      },
      response: {
        200: {
          description: "the CLI's JSON text (X-Cache: l1, l2 or miss)",
          type: "object",
          additionalProperties: true,
        },
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const q = /** @type {{ start: string, end: string, histogram: boolean }} */ (request.query);
    const { start, end } = parseRange(q.start, q.end, {
      maxLength: limits.maxSummaryLength,
      hint: `start a job instead: POST /api/jobs {"kind": "summary", "start": "${q.start}", "end": "${q.end}"}`,
    });
    const { value, source } = await cachedSummary(cache, start, end, q.histogram, signal);
    reply.header("x-cache", source === "computed" ? "miss" : source).type("application/json; charset=utf-8");
    return value;
  });
}
