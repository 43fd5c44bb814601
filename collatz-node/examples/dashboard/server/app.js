// app.js — buildApp(options): the dashboard service as a Fastify instance (not listening):
// plugins (overload shedding, rate limit, compression, WebSocket, OpenAPI), the error shape,
// metrics, the two-level cache and its Redis link, the job manager, every route, the built page
// when a folder is given, and the cache warm-up after start. Every limit is an option.
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { join } from "node:path";
import zlib from "node:zlib";
import Fastify, { LogController } from "fastify";
import compress from "@fastify/compress";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import underPressure from "@fastify/under-pressure";
import websocket from "@fastify/websocket";
import collatz from "collatz-engine";
import { TwoLevelCache } from "./cache.js";
import { HttpError, errorHandler, notFoundHandler } from "./errors.js";
import { JobManager } from "./jobs.js";
import { createMetrics } from "./metrics.js";
import { RedisLink } from "./redis.js";
import { errorBody } from "./schemas.js";
import { warm } from "./warm.js";
import statsRoutes from "./routes/stats.js";
import trajectoryRoutes from "./routes/trajectory.js";
import summaryRoutes, { summaryKeyParts } from "./routes/summary.js";
import columnsRoutes from "./routes/columns.js";
import densityRoutes from "./routes/density.js";
import jobRoutes from "./routes/jobs.js";
import opsRoutes from "./routes/ops.js";

/**
 * @typedef {object} Limits
 * @property {number} maxInputBits the largest n of /api/stats and /api/trajectory, in bits (16384)
 * @property {bigint} maxSummaryLength the longest range /api/summary answers directly (10^8)
 * @property {bigint} maxDensityLength the longest range of /api/density (10^9)
 * @property {bigint} maxJobLength the longest range of a job (2^40)
 * @property {number} trajectoryDefaultLimit values per trajectory page by default (1000)
 * @property {number} trajectoryMaxLimit the largest `limit` of a trajectory page (10000)
 * @property {number} trajectoryMaxDigits a trajectory page ends after this many decimal digits (10^6)
 * @property {number} columnsDefaultLimit start values per columns page by default (10000)
 * @property {number} columnsMaxLimit the largest `limit` of a columns page (10^6)
 * @property {number} eventsIntervalMs the least time between two progress messages of a job's WebSocket (100)
 */

/** @type {Limits} */
export const DEFAULT_LIMITS = Object.freeze({
  maxInputBits: 16_384,
  maxSummaryLength: 100_000_000n,
  maxDensityLength: 1_000_000_000n,
  maxJobLength: 1n << 40n,
  trajectoryDefaultLimit: 1000,
  trajectoryMaxLimit: 10_000,
  trajectoryMaxDigits: 1_000_000,
  columnsDefaultLimit: 10_000,
  columnsMaxLimit: 1_000_000,
  eventsIntervalMs: 100,
});

/**
 * A result computed at start-up so the first visitors find it cached.
 * @typedef {{ kind: "summary", start: string, end: string, histogram?: boolean }
 *   | { kind: "density", start: string, end: string, width: number, height: number, field: string }} WarmItem
 */

/** @type {WarmItem[]} */
export const DEFAULT_WARM = Object.freeze([
  { kind: "summary", start: "1", end: "1000000" },
  { kind: "summary", start: "1", end: "1000000", histogram: true },
  { kind: "density", start: "1", end: "1000000", width: 512, height: 256, field: "total_stopping_time" },
  { kind: "summary", start: "1", end: "10000000" },
  { kind: "summary", start: "1", end: "10000000", histogram: true },
]);

/**
 * @typedef {object} AppOptions
 * @property {string} [redisUrl] Redis for the second cache level; without it, L1 alone
 * @property {string} [version] the version in cache keys (default: collatz.version())
 * @property {{ l1MaxBytes?: number, l1TtlMs?: number, l2TtlSeconds?: number }} [cache]
 * @property {import("./jobs.js").JobLimits} [jobs]
 * @property {Partial<Limits>} [limits]
 * @property {WarmItem[]} [warm] computed after start-up, one after another (default DEFAULT_WARM)
 * @property {boolean | object} [logger] Fastify's logger option (default false)
 * @property {boolean} [logRequests] log every request and response (default false: under load
 *   tests a line per request costs more than the request)
 * @property {{ max: number, timeWindow: number | string } | false} [rateLimit] per client IP (default 60000 a minute)
 * @property {{ maxEventLoopDelay?: number, retryAfter?: number, sampleInterval?: number } | false} [underPressure] (default: 503 past 1000 ms of event-loop delay, Retry-After 5)
 * @property {number} [compressThreshold] bytes under which responses are not compressed (1024)
 * @property {number} [bodyLimit] the largest request body in bytes (4096)
 * @property {string} [staticDir] the built page (Vite's dist/) to serve at /
 * @property {number} [redisConnectWaitMs] how long start-up waits for a first Redis connection (500)
 * @property {number} [redisCommandTimeoutMs] a Redis command not answered by then counts as a miss (250)
 * @property {number} [redisMaxReconnectDelayMs] the longest wait between reconnect attempts (1000)
 */

/**
 * @param {AppOptions} [options]
 * @returns {Promise<import("fastify").FastifyInstance>}
 */
export async function buildApp(options = {}) {
  /** @type {Limits} */
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: options.bodyLimit ?? 4096,
    routerOptions: { maxParamLength: 20_000 },
    forceCloseConnections: "idle",
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true } },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addSchema(errorBody);

  const metrics = createMetrics();
  app.addHook("onResponse", async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status_code: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });

  const redis = options.redisUrl
    ? new RedisLink({
      url: options.redisUrl,
      commandTimeoutMs: options.redisCommandTimeoutMs,
      maxReconnectDelayMs: options.redisMaxReconnectDelayMs,
      log: app.log,
    })
    : null;
  if (redis) await redis.start(options.redisConnectWaitMs ?? 500);

  const cache = new TwoLevelCache({
    version: options.version ?? collatz.version(),
    ...options.cache,
    redis,
    metrics,
    log: app.log,
  });

  /** Aborted when the app closes: stops computations still running. */
  const shutdown = new AbortController();

  // a job leaves one core to the requests (the engine also runs long calls at a lower
  // priority): with every core busy on a 10^10 verify, cached answers would wait for a core
  const jobThreads = Math.max(1, availableParallelism() - 1);
  const jobs = new JobManager({
    ...options.jobs,
    metrics,
    log: app.log,
    runners: {
      summary: async (job, { signal, onProgress }) => {
        const parts = summaryKeyParts(job.start, job.end, false);
        const hit = await cache.lookup("summary", parts);
        if (hit) return hit.value.toString("utf8");
        const text = await collatz.summaryJsonAsync(job.start, job.end, { signal, onProgress, threads: jobThreads });
        cache.store("summary", parts, Buffer.from(text, "utf8"));
        return text;
      },
      verify: (job, { signal, onProgress }) => collatz.verifyJsonAsync(job.start, job.end, { signal, onProgress, threads: jobThreads }),
    },
  });

  // Before @fastify/websocket's own preClose hook (which closes the sockets), so that every
  // job's socket still gets its final `cancelled` state.
  app.addHook("preClose", async () => {
    jobs.closeAll();
    shutdown.abort(new Error("the service is shutting down"));
  });

  metrics.sources.jobsByState = () => jobs.countsByState();
  metrics.sources.queueLength = () => jobs.queueLength;
  metrics.sources.l1Bytes = () => cache.l1Bytes;
  if (redis) metrics.sources.redisUp = () => (redis.state === "up" ? 1 : 0);

  if (options.underPressure !== false) {
    const up = options.underPressure ?? {};
    await app.register(underPressure, {
      maxEventLoopDelay: up.maxEventLoopDelay ?? 1000,
      retryAfter: up.retryAfter ?? 5,
      ...(up.sampleInterval ? { sampleInterval: up.sampleInterval } : {}),
      customError: class OverloadedError extends HttpError {
        constructor() {
          super(503, "ERR_DASHBOARD_OVERLOADED", "the service is overloaded (event loop delayed); retry after the Retry-After seconds");
        }
      },
    });
  }
  if (options.rateLimit !== false) {
    const rl = options.rateLimit ?? { max: 60_000, timeWindow: 60_000 };
    await app.register(rateLimit, {
      global: true,
      max: rl.max,
      timeWindow: rl.timeWindow,
      errorResponseBuilder: (_request, context) => new HttpError(429, "ERR_DASHBOARD_RATE_LIMITED",
        `rate limit: at most ${context.max} requests per ${context.after}; retry in ${Math.ceil(context.ttl / 1000)} s`),
    });
  }
  await app.register(compress, {
    global: true,
    threshold: options.compressThreshold ?? 1024,
    encodings: ["br", "gzip"],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(websocket, { options: { maxPayload: 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "collatz dashboard API",
        description: "The reference service of collatz-engine: statistics, trajectories, range summaries, columns, density grids and background jobs (docs/dashboard.md)",
        version: collatz.version(),
      },
    },
  });

  const limitsFor = { limits };
  await app.register(statsRoutes, limitsFor);
  await app.register(trajectoryRoutes, limitsFor);
  await app.register(summaryRoutes, { cache, limits, signal: shutdown.signal });
  await app.register(columnsRoutes, limitsFor);
  await app.register(densityRoutes, { cache, limits, signal: shutdown.signal });
  await app.register(jobRoutes, { jobs, metrics, limits });
  await app.register(opsRoutes, { metrics, redis });

  if (options.staticDir) {
    if (existsSync(join(options.staticDir, "index.html"))) {
      await app.register(fastifyStatic, {
        root: options.staticDir,
        prefix: "/",
        cacheControl: false,
        /** @param {import("fastify").FastifyReply} reply @param {string} path */
        setHeaders(reply, path) {
          // Vite puts content-hashed names under assets/: they never change.
          reply.header("cache-control", /[\\/]assets[\\/]/.test(path)
            ? "public, max-age=31536000, immutable"
            : "no-cache");
        },
      });
    } else {
      app.log.warn({ staticDir: options.staticDir }, "the page is not built (no index.html): serving the API only; run `npm run build`");
    }
  }

  app.decorate("jobs", jobs);
  app.decorate("cache", cache);
  app.decorate("metrics", metrics);
  /** @type {Promise<void>} */
  let warmed = Promise.resolve();
  app.decorate("warmed", () => warmed);

  app.addHook("onReady", async () => {
    warmed = warm(options.warm ?? DEFAULT_WARM, { cache, limits, signal: shutdown.signal, log: app.log });
  });
  app.addHook("onClose", async () => {
    await warmed;
    if (redis) await redis.close();
  });
  return app;
}
