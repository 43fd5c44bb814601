// cache.js — the two-level cache of computed results (JSON text or binary, as Buffers): L1 an
// in-process lru-cache with a TTL and a bound in bytes, L2 Redis with a TTL (when configured).
// Keys carry the library's version (`collatz:<version>:summary:1:1000000`), so an upgrade
// misses every old entry. Identical concurrent misses compute once (single-flight). A Redis
// failure is counted and logged, never passed to the caller.
import { LRUCache } from "lru-cache";

/**
 * @typedef {object} CacheOptions
 * @property {string} version the library version in every key
 * @property {number} [l1MaxBytes] L1's bound in bytes (default 256 MiB)
 * @property {number} [l1TtlMs] L1's time to live (default 10 minutes)
 * @property {number} [l2TtlSeconds] L2's time to live (default 1 day)
 * @property {import("./redis.js").RedisLink | null} [redis]
 * @property {import("./metrics.js").Metrics} metrics
 * @property {import("fastify").FastifyBaseLogger} log
 */

/** @typedef {"l1" | "l2" | "computed"} Source */

export class TwoLevelCache {
  /** @param {CacheOptions} options */
  constructor({ version, l1MaxBytes = 256 * 2 ** 20, l1TtlMs = 10 * 60_000, l2TtlSeconds = 86_400, redis = null, metrics, log }) {
    this.version = version;
    this.l2TtlSeconds = l2TtlSeconds;
    this.redis = redis;
    this.metrics = metrics;
    this.log = log;
    /** @type {LRUCache<string, Buffer>} */
    this.l1 = new LRUCache({
      maxSize: l1MaxBytes,
      sizeCalculation: (value, key) => value.byteLength + key.length,
      ttl: l1TtlMs,
      // A value larger than the whole bound is simply not kept.
      maxEntrySize: l1MaxBytes,
    });
    /** @type {Map<string, Promise<{ value: Buffer, source: Source }>>} */
    this.inflight = new Map();
  }

  /**
   * The key of a result: `collatz:<version>:<kind>:<part>:<part>...`.
   * @param {string} kind
   * @param {Array<string | number | bigint>} parts
   */
  key(kind, parts) {
    return `collatz:${this.version}:${kind}:${parts.join(":")}`;
  }

  /** Bytes held by L1. */
  get l1Bytes() {
    return this.l1.calculatedSize;
  }

  /**
   * L2's value, or null on a miss, on an error, or without Redis. Counts hits, misses, errors.
   * @param {string} kind
   * @param {string} key
   * @returns {Promise<Buffer | null>}
   */
  async l2Get(kind, key) {
    if (!this.redis) return null;
    try {
      const value = await this.redis.get(key);
      (value ? this.metrics.cacheHits : this.metrics.cacheMisses).inc({ level: "l2", kind });
      return value;
    } catch (err) {
      this.metrics.cacheErrors.inc({ level: "l2", op: "get" });
      this.metrics.cacheMisses.inc({ level: "l2", kind });
      this.log.debug({ err: /** @type {Error} */ (err).message, key }, "redis get failed");
      return null;
    }
  }

  /**
   * Stores in L2 in the background; a failure is counted, never thrown.
   * @param {string} key
   * @param {Buffer} value
   */
  l2Set(key, value) {
    if (!this.redis) return;
    this.redis.set(key, value, this.l2TtlSeconds).catch((err) => {
      this.metrics.cacheErrors.inc({ level: "l2", op: "set" });
      this.log.debug({ err: err.message, key }, "redis set failed");
    });
  }

  /**
   * A cached value (L1, then L2) or null, without computing; counts as a lookup.
   * @param {string} kind
   * @param {Array<string | number | bigint>} parts
   * @returns {Promise<{ value: Buffer, source: Source } | null>}
   */
  async lookup(kind, parts) {
    const key = this.key(kind, parts);
    const hit = this.l1.get(key);
    if (hit) {
      this.metrics.cacheHits.inc({ level: "l1", kind });
      return { value: hit, source: "l1" };
    }
    this.metrics.cacheMisses.inc({ level: "l1", kind });
    const fromL2 = await this.l2Get(kind, key);
    if (fromL2) {
      this.l1.set(key, fromL2);
      return { value: fromL2, source: "l2" };
    }
    return null;
  }

  /**
   * Stores a value in both levels.
   * @param {string} kind
   * @param {Array<string | number | bigint>} parts
   * @param {Buffer} value
   */
  store(kind, parts, value) {
    const key = this.key(kind, parts);
    this.l1.set(key, value);
    this.l2Set(key, value);
  }

  /**
   * The value of a key: from L1, else from L2, else computed (once for any number of
   * concurrent callers) and stored in both.
   * @param {string} kind
   * @param {Array<string | number | bigint>} parts
   * @param {() => Promise<Buffer>} compute
   * @returns {Promise<{ value: Buffer, source: Source }>}
   */
  async get(kind, parts, compute) {
    const key = this.key(kind, parts);
    const hit = this.l1.get(key);
    if (hit) {
      this.metrics.cacheHits.inc({ level: "l1", kind });
      return { value: hit, source: "l1" };
    }
    this.metrics.cacheMisses.inc({ level: "l1", kind });
    const running = this.inflight.get(key);
    if (running) {
      this.metrics.cacheCoalesced.inc({ kind });
      return running;
    }
    const flight = (async () => {
      const fromL2 = await this.l2Get(kind, key);
      if (fromL2) {
        this.l1.set(key, fromL2);
        return { value: fromL2, source: /** @type {Source} */ ("l2") };
      }
      const value = await compute();
      this.l1.set(key, value);
      this.l2Set(key, value);
      return { value, source: /** @type {Source} */ ("computed") };
    })();
    this.inflight.set(key, flight);
    try {
      return await flight;
    } finally {
      this.inflight.delete(key);
    }
  }
}
