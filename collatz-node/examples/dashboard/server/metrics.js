// metrics.js — the service's Prometheus metrics (prom-client), one Registry per app instance,
// every name prefixed `collatz_dashboard_`: request durations by route and status, cache hits,
// misses and errors by level, jobs by state, queue length, open WebSockets, the engine's memo
// bytes, Redis up, L1 bytes, and prom-client's default process metrics (event-loop lag among them).
import client from "prom-client";
import collatz from "collatz-engine";

export const PREFIX = "collatz_dashboard_";

/**
 * What the gauges read when Prometheus scrapes; filled in by the app once its parts exist.
 * @typedef {object} MetricSources
 * @property {() => Record<string, number>} [jobsByState]
 * @property {() => number} [queueLength]
 * @property {() => number} [redisUp] 1 up, 0 down; absent without Redis
 * @property {() => number} [l1Bytes]
 */

/**
 * @param {{ defaultMetrics?: boolean }} [options]
 */
export function createMetrics(options = {}) {
  const registry = new client.Registry();
  /** @type {MetricSources} */
  const sources = {};

  if (options.defaultMetrics !== false) {
    client.collectDefaultMetrics({ register: registry, prefix: PREFIX, eventLoopMonitoringPrecision: 10 });
    // prom-client's three gauges named `*_total` (a counter's suffix, which `promtool check
    // metrics` refuses); the per-type gauges without the suffix stay, and sum() gives totals
    for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
      registry.removeSingleMetric(PREFIX + name);
    }
  }

  const httpDuration = new client.Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: "HTTP request duration by method, route pattern and status code",
    labelNames: ["method", "route", "status_code"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const cacheHits = new client.Counter({
    name: `${PREFIX}cache_hits_total`,
    help: "Cache hits by level (l1: in-process LRU, l2: Redis) and kind of result",
    labelNames: ["level", "kind"],
    registers: [registry],
  });
  const cacheMisses = new client.Counter({
    name: `${PREFIX}cache_misses_total`,
    help: "Cache misses by level (l1: in-process LRU, l2: Redis) and kind of result",
    labelNames: ["level", "kind"],
    registers: [registry],
  });
  const cacheErrors = new client.Counter({
    name: `${PREFIX}cache_errors_total`,
    help: "Cache reads and writes that failed (Redis down or slow), by level and operation",
    labelNames: ["level", "op"],
    registers: [registry],
  });
  const cacheCoalesced = new client.Counter({
    name: `${PREFIX}cache_coalesced_total`,
    help: "Requests that waited for an identical computation already running (single-flight)",
    labelNames: ["kind"],
    registers: [registry],
  });

  const jobs = new client.Gauge({
    name: `${PREFIX}jobs`,
    help: "Jobs held by the service, by state",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const counts = sources.jobsByState?.() ?? {};
      for (const state of ["queued", "running", "done", "cancelled", "failed"]) {
        this.set({ state }, counts[state] ?? 0);
      }
    },
  });
  const jobsFinished = new client.Counter({
    name: `${PREFIX}jobs_finished_total`,
    help: "Jobs finished since start-up, by kind and final state",
    labelNames: ["kind", "state"],
    registers: [registry],
  });
  new client.Gauge({
    name: `${PREFIX}job_queue_length`,
    help: "Jobs waiting for a running slot",
    registers: [registry],
    collect() {
      this.set(sources.queueLength?.() ?? 0);
    },
  });
  const websockets = new client.Gauge({
    name: `${PREFIX}websockets_open`,
    help: "Open WebSocket connections (job events)",
    registers: [registry],
  });
  new client.Gauge({
    name: `${PREFIX}engine_memo_bytes`,
    help: "Bytes held by the collatz engine's shared memo",
    registers: [registry],
    collect() {
      this.set(collatz.memoBytes());
    },
  });
  new client.Gauge({
    name: `${PREFIX}redis_up`,
    help: "1 when the Redis client is connected and ready, 0 when not; absent without REDIS_URL",
    registers: [registry],
    collect() {
      if (sources.redisUp) this.set(sources.redisUp());
    },
  });
  new client.Gauge({
    name: `${PREFIX}cache_l1_bytes`,
    help: "Bytes held by the in-process (L1) cache",
    registers: [registry],
    collect() {
      this.set(sources.l1Bytes?.() ?? 0);
    },
  });

  return { registry, sources, httpDuration, cacheHits, cacheMisses, cacheErrors, cacheCoalesced, jobs, jobsFinished, websockets };
}

/** @typedef {ReturnType<typeof createMetrics>} Metrics */
