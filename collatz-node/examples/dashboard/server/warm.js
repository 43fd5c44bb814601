// warm.js — the cache warm-up: popular results (summaries of [1, 10^6) and [1, 10^7), the
// page's first density view) computed one after another after start-up, in the background,
// so readiness never waits for them; a failure is logged and the next item goes on.
import { parseRange } from "./numbers.js";
import { cachedSummary } from "./routes/summary.js";
import { cachedDensity } from "./routes/density.js";

/**
 * @param {import("./app.js").WarmItem[]} items
 * @param {{ cache: import("./cache.js").TwoLevelCache, limits: import("./app.js").Limits, signal: AbortSignal, log: import("fastify").FastifyBaseLogger }} ctx
 * @returns {Promise<void>} settles when every item is done or failed (never rejects)
 */
export async function warm(items, { cache, limits, signal, log }) {
  for (const item of items) {
    if (signal.aborted) return;
    const began = performance.now();
    try {
      if (item.kind === "summary") {
        const { start, end } = parseRange(item.start, item.end, { maxLength: limits.maxSummaryLength });
        await cachedSummary(cache, start, end, item.histogram ?? false, signal);
      } else {
        const { start, end } = parseRange(item.start, item.end, { maxLength: limits.maxDensityLength });
        await cachedDensity(cache, { start, end, width: item.width, height: item.height, field: item.field }, signal);
      }
      log.info({ item, ms: Math.round(performance.now() - began) }, "cache warmed");
    } catch (err) {
      if (!signal.aborted) log.warn({ item, err: /** @type {Error} */ (err).message }, "cache warm-up item failed");
    }
  }
}
