// errors.test.js — every kind of bad input gets 400, 413, 415 or 429 with
// `{"error": code, "message"}` (never a 500, never a stack), and the app keeps answering.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeApp } from "./helpers/services.js";

/** @type {import("fastify").FastifyInstance} */
let app;
before(async () => { app = await makeApp({ limits: { maxInputBits: 4096 } }); });
after(async () => { await app?.close(); });

/** @type {Array<[string, string, number, string]>} [what, url, status, code] */
const GETS = [
  ["stats: not a number", "/api/stats/x7", 400, "ERR_COLLATZ_PARSE"],
  ["stats: zero", "/api/stats/0", 400, "ERR_COLLATZ_ZERO"],
  ["stats: negative", "/api/stats/-5", 400, "ERR_COLLATZ_NEGATIVE"],
  ["stats: a fraction", "/api/stats/1.5", 400, "ERR_COLLATZ_PARSE"],
  ["stats: past the service's bit limit", `/api/stats/${encodeURIComponent("2^5000")}`, 413, "ERR_DASHBOARD_LIMIT"],
  ["stats: past the addon's input limit", `/api/stats/${encodeURIComponent("2^600000")}`, 413, "ERR_COLLATZ_LIMIT"],
  ["trajectory: zero", "/api/trajectory/0", 400, "ERR_COLLATZ_ZERO"],
  ["trajectory: limit 0", "/api/trajectory/27?limit=0", 400, "ERR_DASHBOARD_VALIDATION"],
  ["trajectory: limit over 10000", "/api/trajectory/27?limit=10001", 400, "ERR_DASHBOARD_VALIDATION"],
  ["trajectory: limit not a number", "/api/trajectory/27?limit=ten", 400, "ERR_DASHBOARD_VALIDATION"],
  ["trajectory: bad cursor", "/api/trajectory/27?cursor=banana", 400, "ERR_DASHBOARD_BAD_CURSOR"],
  ["trajectory: cursor of zero", "/api/trajectory/27?cursor=3:0", 400, "ERR_DASHBOARD_BAD_CURSOR"],
  ["trajectory: unknown parameter", "/api/trajectory/27?page=2", 400, "ERR_DASHBOARD_VALIDATION"],
  ["summary: missing end", "/api/summary?start=1", 400, "ERR_DASHBOARD_VALIDATION"],
  ["summary: empty start", "/api/summary?start=&end=5", 400, "ERR_DASHBOARD_VALIDATION"],
  ["summary: not a number", "/api/summary?start=abc&end=5", 400, "ERR_COLLATZ_PARSE"],
  ["summary: zero", "/api/summary?start=0&end=5", 400, "ERR_COLLATZ_ZERO"],
  ["summary: reversed", "/api/summary?start=10&end=5", 400, "ERR_COLLATZ_INVALID_ARGUMENT"],
  ["summary: over 10^8", "/api/summary?start=1&end=2e8", 413, "ERR_DASHBOARD_RANGE_TOO_LARGE"],
  ["summary: unknown parameter", "/api/summary?start=1&end=5&records=false", 400, "ERR_DASHBOARD_VALIDATION"],
  ["summary: histogram not a boolean", "/api/summary?start=1&end=5&histogram=maybe", 400, "ERR_DASHBOARD_VALIDATION"],
  ["summary: past 2^64", `/api/summary?start=${encodeURIComponent("2^64")}&end=${encodeURIComponent("2^64+5")}`, 400, "ERR_COLLATZ_INVALID_ARGUMENT"],
  ["columns: unknown field", "/api/columns?start=1&end=5&fields=total_stopping_time,nope", 400, "ERR_DASHBOARD_UNKNOWN_FIELD"],
  ["columns: empty fields", "/api/columns?start=1&end=5&fields=,", 400, "ERR_DASHBOARD_UNKNOWN_FIELD"],
  ["columns: limit over the bound", "/api/columns?start=1&end=5&limit=2000000", 400, "ERR_DASHBOARD_VALIDATION"],
  ["columns: reversed", "/api/columns?start=9&end=5", 400, "ERR_COLLATZ_INVALID_ARGUMENT"],
  ["density: unknown field", "/api/density?start=1&end=100&field=glide", 400, "ERR_DASHBOARD_VALIDATION"],
  ["density: width 0", "/api/density?start=1&end=100&width=0", 400, "ERR_DASHBOARD_VALIDATION"],
  ["density: height past 4096", "/api/density?start=1&end=100&height=4097", 400, "ERR_DASHBOARD_VALIDATION"],
  ["density: over its length limit", "/api/density?start=1&end=1e12", 413, "ERR_DASHBOARD_RANGE_TOO_LARGE"],
  ["density: reversed", "/api/density?start=100&end=1", 400, "ERR_COLLATZ_INVALID_ARGUMENT"],
  ["jobs: unknown id", "/api/jobs/nope", 404, "ERR_DASHBOARD_NO_SUCH_JOB"],
  ["no such route", "/api/nothing", 404, "ERR_DASHBOARD_NOT_FOUND"],
];

for (const [what, url, status, code] of GETS) {
  test(`GET ${what} → ${status} ${code}`, { timeout: 10_000 }, async () => {
    const res = await app.inject(url);
    assert.equal(res.statusCode, status, res.body);
    assert.match(res.headers["content-type"], /^application\/json/);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ["error", "message"]);
    assert.equal(body.error, code, body.message);
    assert.ok(body.message.length > 0);
    assert.doesNotMatch(res.body, /\s+at\s+\S+\s+\(/, "no stack trace");
  });
}

/** @type {Array<[string, { payload?: string, headers?: Record<string, string> }, number, string]>} */
const POSTS = [
  ["unknown kind", { payload: JSON.stringify({ kind: "sort", start: "1", end: "5" }) }, 400, "ERR_DASHBOARD_VALIDATION"],
  ["unknown body field", { payload: JSON.stringify({ kind: "summary", start: "1", end: "5", priority: 9 }) }, 400, "ERR_DASHBOARD_VALIDATION"],
  ["missing end", { payload: JSON.stringify({ kind: "summary", start: "1" }) }, 400, "ERR_DASHBOARD_VALIDATION"],
  ["zero start", { payload: JSON.stringify({ kind: "verify", start: "0", end: "5" }) }, 400, "ERR_COLLATZ_ZERO"],
  ["reversed range", { payload: JSON.stringify({ kind: "verify", start: "9", end: "5" }) }, 400, "ERR_COLLATZ_INVALID_ARGUMENT"],
  ["over the job length limit", { payload: JSON.stringify({ kind: "verify", start: "1", end: "2^50" }) }, 413, "ERR_DASHBOARD_RANGE_TOO_LARGE"],
  ["not JSON", { payload: "{kind: summary" }, 400, "ERR_DASHBOARD_BAD_BODY"],
  ["empty body", { payload: "" }, 400, "ERR_DASHBOARD_BAD_BODY"],
  ["oversized body", { payload: JSON.stringify({ kind: "summary", start: "1".repeat(5000), end: "5" }) }, 413, "ERR_DASHBOARD_BODY_TOO_LARGE"],
  ["not JSON content type", { payload: "kind=summary", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415, "ERR_DASHBOARD_UNSUPPORTED_MEDIA_TYPE"],
];

for (const [what, { payload, headers }, status, code] of POSTS) {
  test(`POST /api/jobs ${what} → ${status} ${code}`, { timeout: 10_000 }, async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/jobs",
      payload,
      headers: { "content-type": "application/json", ...headers },
    });
    assert.equal(res.statusCode, status, res.body);
    const body = res.json();
    assert.equal(body.error, code, body.message);
    assert.equal(typeof body.message, "string");
  });
}

test("the app still answers after all of that", { timeout: 10_000 }, async () => {
  assert.equal((await app.inject("/healthz")).statusCode, 200);
  const res = await app.inject("/api/trajectory/7?limit=3");
  assert.deepEqual(res.json().values, ["7", "22", "11"]);
});
