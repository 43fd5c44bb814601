// cache.test.js — the two cache levels against a real redis-server: L1 then L2 then compute,
// TTL expiry at both levels, invalidation by version, two instances sharing one Redis (an L2
// hit on the second, in its metrics), single-flight, Redis killed mid-test (requests still
// answered, /readyz down) and restarted on the same port (the client reconnects, /readyz up).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createClient } from "redis";
import { makeApp, sample, startRedis, until } from "./helpers/services.js";

/** @type {Awaited<ReturnType<typeof startRedis>>} */
let redis;
before(async () => { redis = await startRedis(); });
after(async () => { await redis?.stop(); });

/** @param {import("fastify").FastifyInstance} app @param {string} url */
async function source(app, url) {
  const res = await app.inject(url);
  assert.equal(res.statusCode, 200, res.body);
  return res.headers["x-cache"];
}

test("L1, then L2 after L1's TTL, then a miss after L2's TTL", { timeout: 30_000 }, async () => {
  const app = await makeApp({ redisUrl: redis.url, version: "ttl", cache: { l1TtlMs: 200, l2TtlSeconds: 1 } });
  try {
    const url = "/api/summary?start=1&end=30000";
    assert.equal(await source(app, url), "miss");
    assert.equal(await source(app, url), "l1");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await source(app, url), "l2");
    await new Promise((r) => setTimeout(r, 1300));
    // L1 has expired again (200 ms) and Redis has dropped the key (1 s).
    assert.equal(await source(app, url), "miss");
  } finally {
    await app.close();
  }
});

test("keys carry the version: an app of version y misses what version x stored", { timeout: 30_000 }, async () => {
  const x = await makeApp({ redisUrl: redis.url, version: "x" });
  const y = await makeApp({ redisUrl: redis.url, version: "y" });
  try {
    const url = "/api/summary?start=1&end=40000";
    assert.equal(await source(x, url), "miss");
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      assert.ok(await raw.get("collatz:x:summary:1:40000"), "stored under collatz:x:summary:1:40000");
      assert.equal(await raw.get("collatz:y:summary:1:40000"), null);
    } finally {
      await raw.close();
    }
    assert.equal(await source(y, url), "miss");
    const x2 = await makeApp({ redisUrl: redis.url, version: "x" });
    try {
      assert.equal(await source(x2, url), "l2");
    } finally {
      await x2.close();
    }
  } finally {
    await x.close();
    await y.close();
  }
});

test("two instances share one Redis: a summary computed by one is an L2 hit on the other", { timeout: 30_000 }, async () => {
  const a = await makeApp({ redisUrl: redis.url, version: "shared" });
  const b = await makeApp({ redisUrl: redis.url, version: "shared" });
  try {
    const url = "/api/summary?start=1&end=50000";
    const first = await a.inject(url);
    assert.equal(first.headers["x-cache"], "miss");
    await until(async () => (await b.inject(url)).headers["x-cache"] !== "miss" || false, 2_000, "the value in Redis");
    const second = await b.inject(url);
    assert.equal(second.body, first.body);
    const metrics = (await b.inject("/metrics")).body;
    assert.ok(sample(metrics, "collatz_dashboard_cache_hits_total", { level: "l2", kind: "summary" }) >= 1, "an L2 hit in b's metrics");
    assert.ok(sample(metrics, "collatz_dashboard_cache_hits_total", { level: "l1", kind: "summary" }) >= 1);
    assert.equal(sample((await a.inject("/metrics")).body, "collatz_dashboard_cache_hits_total", { level: "l2", kind: "summary" }), 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test("single-flight: 20 identical concurrent misses compute once", { timeout: 30_000 }, async () => {
  const app = await makeApp({ version: "flight" });
  try {
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject("/api/summary?start=1&end=3000000")));
    assert.ok(answers.every((r) => r.statusCode === 200 && r.body === answers[0].body));
    const metrics = (await app.inject("/metrics")).body;
    assert.equal(sample(metrics, "collatz_dashboard_cache_coalesced_total", { kind: "summary" }), 19);
  } finally {
    await app.close();
  }
});

test("Redis killed mid-test: still answered, /readyz down; restarted: reconnects, /readyz up", { timeout: 60_000 }, async () => {
  const app = await makeApp({ redisUrl: redis.url, version: "outage", redisMaxReconnectDelayMs: 200 });
  try {
    assert.deepEqual((await app.inject("/readyz")).json(), { redis: "up" });
    assert.equal(await source(app, "/api/summary?start=1&end=20000"), "miss");
    await redis.kill();
    await until(async () => (await app.inject("/readyz")).json().redis === "down", 5_000, "/readyz down");
    assert.match((await app.inject("/metrics")).body, /collatz_dashboard_redis_up 0/);
    // Cached in L1: still there. New: computed, never an error.
    assert.equal(await source(app, "/api/summary?start=1&end=20000"), "l1");
    const t0 = performance.now();
    assert.equal(await source(app, "/api/summary?start=1&end=21000"), "miss");
    assert.ok(performance.now() - t0 < 1000, "no wait for Redis");
    assert.equal((await app.inject("/api/density?start=1&end=5000&width=10&height=10")).statusCode, 200);

    await redis.restart();
    await until(async () => (await app.inject("/readyz")).json().redis === "up", 10_000, "/readyz up again");
    assert.match((await app.inject("/metrics")).body, /collatz_dashboard_redis_up 1/);
    // Writes reach the new Redis.
    assert.equal(await source(app, "/api/summary?start=1&end=22000"), "miss");
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      await until(async () => (await raw.get("collatz:outage:summary:1:22000")) !== null, 2_000, "the key in the restarted Redis");
    } finally {
      await raw.close();
    }
  } finally {
    await app.close();
  }
});

test("a Redis that never answers: start-up does not wait long, /readyz down, requests served", { timeout: 30_000 }, async () => {
  const t0 = performance.now();
  const app = await makeApp({ redisUrl: "redis://127.0.0.1:1", version: "nowhere", redisConnectWaitMs: 300 });
  try {
    assert.ok(performance.now() - t0 < 3000);
    assert.deepEqual((await app.inject("/readyz")).json(), { redis: "down" });
    assert.equal(await source(app, "/api/summary?start=1&end=1000"), "miss");
    assert.equal(await source(app, "/api/summary?start=1&end=1000"), "l1");
  } finally {
    await app.close();
  }
});

test("without REDIS_URL: /readyz says off, L1 alone", { timeout: 30_000 }, async () => {
  const app = await makeApp({ version: "alone" });
  try {
    assert.deepEqual((await app.inject("/readyz")).json(), { redis: "off" });
    assert.equal(await source(app, "/api/summary?start=1&end=1000"), "miss");
    assert.equal(await source(app, "/api/summary?start=1&end=1000"), "l1");
  } finally {
    await app.close();
  }
});

test("L1 keeps to its byte bound", { timeout: 30_000 }, async () => {
  const app = await makeApp({ version: "small", cache: { l1MaxBytes: 4000 } });
  try {
    for (let i = 0; i < 10; i++) await app.inject(`/api/summary?start=1&end=${1000 + i}`);
    assert.ok(app.cache.l1Bytes <= 4000, `${app.cache.l1Bytes} bytes`);
    assert.match((await app.inject("/metrics")).body, /collatz_dashboard_cache_l1_bytes \d+/);
  } finally {
    await app.close();
  }
});
