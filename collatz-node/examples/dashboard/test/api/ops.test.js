// ops.test.js — the operator's side: /healthz, /readyz, /metrics (every metric family the
// service promises), /docs/json (OpenAPI from the route schemas), br/gzip above the threshold,
// the rate limit's 429, 503 with Retry-After when the event loop is overloaded, and the built
// page's cache headers.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { test } from "node:test";
import { makeApp } from "./helpers/services.js";

test("/healthz, /readyz and /metrics with every family", { timeout: 30_000 }, async () => {
  const app = await makeApp();
  try {
    assert.deepEqual((await app.inject("/healthz")).json(), { status: "ok" });
    assert.deepEqual((await app.inject("/readyz")).json(), { redis: "off" });
    await app.inject("/api/summary?start=1&end=1000");
    await app.inject("/api/summary?start=1&end=1000");
    await app.inject("/api/stats/x");
    const res = await app.inject("/metrics");
    assert.equal(res.statusCode, 200);
    assert.match(res.headers["content-type"], /^text\/plain; version=0\.0\.4/);
    const text = res.body;
    for (const name of [
      "collatz_dashboard_http_request_duration_seconds_bucket",
      "collatz_dashboard_cache_hits_total",
      "collatz_dashboard_cache_misses_total",
      "collatz_dashboard_jobs",
      "collatz_dashboard_job_queue_length",
      "collatz_dashboard_websockets_open",
      "collatz_dashboard_engine_memo_bytes",
      "collatz_dashboard_cache_l1_bytes",
      "collatz_dashboard_nodejs_eventloop_lag_seconds",
      "collatz_dashboard_process_resident_memory_bytes",
    ]) {
      assert.match(text, new RegExp(`^${name}[{ ]`, "m"), name);
    }
    assert.match(text, /http_request_duration_seconds_count\{method="GET",route="\/api\/summary",status_code="200"\} 2/);
    assert.match(text, /http_request_duration_seconds_count\{method="GET",route="\/api\/stats\/:n",status_code="400"\} 1/);
    assert.match(text, /cache_hits_total\{level="l1",kind="summary"\} 1/);
    assert.match(text, /cache_misses_total\{level="l1",kind="summary"\} 1/);
    assert.ok(Number(/^collatz_dashboard_engine_memo_bytes (\d+)/m.exec(text)?.[1]) >= 0);
  } finally {
    await app.close();
  }
});

test("/docs/json: an OpenAPI document listing the routes", { timeout: 30_000 }, async () => {
  const app = await makeApp();
  try {
    const doc = (await app.inject("/docs/json")).json();
    assert.equal(doc.openapi, "3.0.3");
    for (const path of ["/api/stats/{n}", "/api/trajectory/{n}", "/api/summary", "/api/columns", "/api/density", "/api/jobs", "/api/jobs/{id}", "/healthz", "/readyz", "/metrics"]) {
      assert.ok(doc.paths[path], path);
    }
    assert.ok(doc.paths["/api/jobs"].post);
    assert.ok(doc.paths["/api/jobs/{id}"].delete);
    assert.deepEqual(doc.paths["/api/summary"].get.parameters.map((/** @type {any} */ p) => p.name).sort(), ["end", "histogram", "start"]);
  } finally {
    await app.close();
  }
});

test("br and gzip above the threshold, none below", { timeout: 30_000 }, async () => {
  const app = await makeApp();
  try {
    const big = await app.inject({ url: "/api/trajectory/63728127", headers: { "accept-encoding": "br, gzip" } });
    assert.equal(big.headers["content-encoding"], "br");
    const plain = await app.inject("/api/trajectory/63728127");
    assert.ok(plain.body.length > 1024);
    assert.equal(brotliDecompressSync(big.rawPayload).toString(), plain.body);
    const gz = await app.inject({ url: "/api/trajectory/63728127", headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.headers["content-encoding"], "gzip");
    const small = await app.inject({ url: "/api/trajectory/27?limit=3", headers: { "accept-encoding": "br, gzip" } });
    assert.equal(small.headers["content-encoding"], undefined);
  } finally {
    await app.close();
  }
});

test("the rate limit answers 429 with the error shape; ops routes are not limited", { timeout: 30_000 }, async () => {
  const app = await makeApp({ rateLimit: { max: 3, timeWindow: 60_000 } });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await app.inject("/api/stats/7")).statusCode, 200);
    const res = await app.inject("/api/stats/7");
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().error, "ERR_DASHBOARD_RATE_LIMITED");
    assert.ok(res.headers["retry-after"]);
    for (let i = 0; i < 5; i++) assert.equal((await app.inject("/healthz")).statusCode, 200);
  } finally {
    await app.close();
  }
});

test("503 with Retry-After while the event loop is overloaded; health routes still answer", { timeout: 30_000 }, async () => {
  const app = await makeApp({ underPressure: { maxEventLoopDelay: 50, sampleInterval: 10, retryAfter: 7 } });
  try {
    await app.ready();
    const until = Date.now() + 300;
    while (Date.now() < until) { /* block the event loop */ }
    await new Promise((r) => setTimeout(r, 15));
    const res = await app.inject("/api/stats/7");
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers["retry-after"], "7");
    assert.equal(res.json().error, "ERR_DASHBOARD_OVERLOADED");
    assert.equal((await app.inject("/healthz")).statusCode, 200);
  } finally {
    await app.close();
  }
});

test("the built page: hashed assets immutable, index.html no-cache; without it the API still runs", { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-dist-"));
  try {
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(dir, "assets", "index-3f9a1c.js"), "console.log(1)");
    const app = await makeApp({ staticDir: dir });
    try {
      const index = await app.inject("/");
      assert.equal(index.statusCode, 200);
      assert.equal(index.headers["cache-control"], "no-cache");
      const asset = await app.inject("/assets/index-3f9a1c.js");
      assert.equal(asset.statusCode, 200);
      assert.equal(asset.headers["cache-control"], "public, max-age=31536000, immutable");
      assert.equal((await app.inject("/assets/missing.js")).statusCode, 404);
      assert.equal((await app.inject("/api/stats/27")).statusCode, 200);
    } finally {
      await app.close();
    }
    const bare = await makeApp({ staticDir: join(dir, "nothing") });
    try {
      assert.equal((await bare.inject("/")).statusCode, 404);
      assert.equal((await bare.inject("/healthz")).statusCode, 200);
    } finally {
      await bare.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
