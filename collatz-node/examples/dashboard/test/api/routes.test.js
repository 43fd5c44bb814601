// routes.test.js — every route's answer against the addon and the CLI: stats (27, 2^500+1),
// trajectory pages, summary (the CLI's text for [1, 10^6), with and without histogram),
// columns (JSON and little-endian bytes, pages), density (JSON and bytes).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import collatz from "collatz-engine";
import { CLI, HAS_CLI, makeApp } from "./helpers/services.js";

/** @type {import("fastify").FastifyInstance} */
let app;
before(async () => { app = await makeApp(); });
after(async () => { await app?.close(); });

describe("GET /api/stats/:n", () => {
  test("27: the CLI's JSON", { timeout: 10_000 }, async () => {
    const res = await app.inject("/api/stats/27");
    assert.equal(res.statusCode, 200);
    assert.match(res.headers["content-type"], /^application\/json/);
    const body = res.json();
    assert.equal(body.total_stopping_time, 111);
    assert.equal(body.max, "9232");
    assert.equal(body.n, "27");
    assert.equal(res.body, collatz.statsJson(27));
    if (HAS_CLI) assert.equal(res.body.trim(), execFileSync(CLI, ["stats", "27", "--json"], { encoding: "utf8" }).trim());
  });

  test("2^500+1 (URL-encoded parser syntax) and a 300-digit decimal", { timeout: 10_000 }, async () => {
    const res = await app.inject(`/api/stats/${encodeURIComponent("2^500+1")}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, collatz.statsJson("2^500+1"));
    assert.equal(res.json().n, ((1n << 500n) + 1n).toString());
    const big = (3n ** 600n).toString();
    const res2 = await app.inject(`/api/stats/${big}`);
    assert.equal(res2.statusCode, 200);
    assert.equal(res2.json().n, big);
  });
});

describe("GET /api/trajectory/:n", () => {
  test("pages through the cursor give the whole trajectory of 27", { timeout: 10_000 }, async () => {
    const want = [...collatz.sequence(27n)].map(String);
    const got = [];
    let url = "/api/trajectory/27?limit=50";
    let pages = 0;
    for (;;) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.n, "27");
      assert.ok(body.values.length <= 50);
      got.push(...body.values);
      pages += 1;
      if (body.next_cursor === null) break;
      url = `/api/trajectory/27?limit=50&cursor=${encodeURIComponent(body.next_cursor)}`;
    }
    assert.equal(pages, 3);
    assert.deepEqual(got, want);
    assert.equal(got.length, 112);
  });

  test("default limit 1000; 2^100+1 in one page", { timeout: 10_000 }, async () => {
    const res = await app.inject(`/api/trajectory/${encodeURIComponent("2^100+1")}`);
    const body = res.json();
    assert.equal(body.values[0], ((1n << 100n) + 1n).toString());
    assert.deepEqual(body.values, [...collatz.sequence((1n << 100n) + 1n)].map(String));
    assert.equal(body.next_cursor, null);
    const long = (await app.inject("/api/trajectory/63728127")).json();
    assert.equal(long.values.length, 950);
  });

  test("a page stops at the digit budget and goes on from its cursor", { timeout: 10_000 }, async () => {
    const small = await makeApp({ limits: { trajectoryMaxDigits: 1000 } });
    try {
      const n = (2n ** 300n - 1n).toString();
      const body = (await small.inject(`/api/trajectory/${n}?limit=10000`)).json();
      assert.ok(body.values.length < 20, `${body.values.length} values`);
      const [i, v] = body.next_cursor.split(":");
      assert.equal(Number(i), body.values.length);
      const all = [...collatz.sequence(BigInt(n))].map(String);
      assert.equal(v, all[body.values.length]);
    } finally {
      await small.close();
    }
  });
});

describe("GET /api/summary", () => {
  test("[1, 10^6): the CLI's `range 1 1000000 --json --records`, then from L1", { timeout: 30_000 }, async () => {
    const res = await app.inject("/api/summary?start=1&end=1000000");
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["x-cache"], "miss");
    assert.equal(res.json().sum_total_stopping_time, 131434272);
    assert.equal(res.body, collatz.summaryJson(1, 1000000));
    if (HAS_CLI) {
      assert.equal(res.body.trim(), execFileSync(CLI, ["range", "1", "1000000", "--json", "--records"], { encoding: "utf8" }).trim());
    }
    const again = await app.inject("/api/summary?start=1&end=1e6");
    assert.equal(again.headers["x-cache"], "l1");
    assert.equal(again.body, res.body);
  });

  test("histogram=true adds the histogram", { timeout: 30_000 }, async () => {
    const res = await app.inject("/api/summary?start=1&end=1000&histogram=true");
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.ok(Array.isArray(body.histogram));
    assert.equal(body.histogram.reduce((a, b) => a + b, 0), 999);
    assert.equal(res.body, collatz.summaryJson(1, 1000, { histogram: true }));
    assert.equal((await app.inject("/api/summary?start=1&end=1000")).json().histogram, undefined);
  });

  test("past 10^8 numbers: 413 pointing to POST /api/jobs", { timeout: 10_000 }, async () => {
    const res = await app.inject("/api/summary?start=1&end=100000002");
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error, "ERR_DASHBOARD_RANGE_TOO_LARGE");
    assert.match(res.json().message, /POST \/api\/jobs/);
  });
});

describe("GET /api/columns", () => {
  test("JSON pages equal the addon's columns", { timeout: 10_000 }, async () => {
    const want = collatz.columns(1000, 1250, { fields: ["totalStoppingTime", "maxExcursion"] });
    /** @type {number[]} */
    const tst = [];
    /** @type {string[]} */
    const max = [];
    let cursor = null;
    do {
      const res = await app.inject(`/api/columns?start=1000&end=1250&fields=total_stopping_time,max_excursion&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.deepEqual(body.fields, ["total_stopping_time", "max_excursion"]);
      tst.push(...body.total_stopping_time);
      max.push(...body.max_excursion);
      cursor = body.next_cursor;
    } while (cursor !== null);
    assert.deepEqual(tst, Array.from(/** @type {Uint16Array} */ (want.totalStoppingTime)));
    assert.deepEqual(max, Array.from(/** @type {BigUint64Array} */ (want.maxExcursion), String));
  });

  test("application/octet-stream: little-endian arrays, each padded to 8 bytes, layout in headers", { timeout: 10_000 }, async () => {
    const res = await app.inject({
      url: "/api/columns?start=27&end=30&fields=total_stopping_time,max_excursion,odd_steps",
      headers: { accept: "application/octet-stream" },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "application/octet-stream");
    assert.equal(res.headers["x-collatz-fields"], "total_stopping_time=u16,max_excursion=u64,odd_steps=u16");
    assert.equal(res.headers["x-collatz-count"], "3");
    assert.equal(res.headers["x-collatz-start"], "27");
    assert.equal(res.headers["x-collatz-next-cursor"], "");
    const buf = res.rawPayload;
    assert.equal(buf.length, 8 + 24 + 8);
    assert.deepEqual([0, 1, 2].map((i) => buf.readUInt16LE(i * 2)), [111, 18, 18]);
    assert.deepEqual([0, 1, 2].map((i) => buf.readBigUInt64LE(8 + i * 8)), [9232n, 52n, 88n]);
    assert.deepEqual([0, 1, 2].map((i) => buf.readUInt16LE(32 + i * 2)), [41, 5, 5]);
  });

  test("unknown field, cursor outside the range", { timeout: 10_000 }, async () => {
    assert.equal((await app.inject("/api/columns?start=1&end=10&fields=glide")).json().error, "ERR_DASHBOARD_UNKNOWN_FIELD");
    assert.equal((await app.inject("/api/columns?start=1&end=10&cursor=50")).json().error, "ERR_DASHBOARD_BAD_CURSOR");
  });
});

describe("GET /api/density", () => {
  test("JSON and bytes of the same grid; every n counted once; cached", { timeout: 30_000 }, async () => {
    const url = "/api/density?start=1&end=100000&width=64&height=32";
    const res = await app.inject(url);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["x-cache"], "miss");
    const body = res.json();
    assert.equal(body.field, "total_stopping_time");
    assert.equal(body.width, 64);
    assert.ok(body.height >= 1 && body.height <= 32);
    assert.equal(body.counts.length, body.width * body.height);
    assert.equal(body.counts.reduce((a, b) => a + b, 0), 99999);
    const d = collatz.density(1, 100000, { width: 64, height: 32 });
    assert.deepEqual(body.counts, Array.from(d.counts));
    assert.equal(body.y_min, d.yMin);
    assert.equal(body.y_max, d.yMax);
    assert.equal(body.y_step, d.yStep);

    const bin = await app.inject({ url, headers: { accept: "application/octet-stream" } });
    assert.equal(bin.headers["x-cache"], "l1");
    assert.equal(bin.headers["content-type"], "application/octet-stream");
    assert.equal(bin.headers["x-collatz-width"], "64");
    assert.equal(bin.headers["x-collatz-y-max"], String(d.yMax));
    const counts = Array.from({ length: bin.rawPayload.length / 4 }, (_, i) => bin.rawPayload.readUInt32LE(i * 4));
    assert.deepEqual(counts, body.counts);
  });

  test("other fields; width past 4096 is 400", { timeout: 30_000 }, async () => {
    const res = await app.inject("/api/density?start=1&end=10000&width=100&height=50&field=max_excursion");
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().field, "max_excursion");
    assert.equal((await app.inject("/api/density?start=1&end=100&width=5000")).statusCode, 400);
  });
});
