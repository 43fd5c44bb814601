// Typed arrays, bigints, the cache, and the CommonJS entry point.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as c from "../index.mjs";

const require = createRequire(import.meta.url);

test("typed-array types and lengths", () => {
  const cols = c.columns(1, 1001, { fields: ["totalStoppingTime", "stoppingTime", "oddSteps", "maxExcursion"] });
  for (const k of ["totalStoppingTime", "stoppingTime", "oddSteps"]) {
    assert.ok(cols[k] instanceof Uint16Array, k);
    assert.equal(cols[k].length, 1000);
  }
  assert.ok(cols.maxExcursion instanceof BigUint64Array);
  assert.equal(cols.maxExcursion.length, 1000);
  assert.equal(cols.start, 1n);
  assert.equal(cols.totalStoppingTime[26], 111);
  assert.equal(cols.maxExcursion[26], 9232n);
  assert.equal(c.columns(5, 5).totalStoppingTime.length, 0);
  // past n = 12,327,829,503 maxima can pass 64 bits: an array of bigints
  const far = c.columns(2n ** 64n - 20n, 2n ** 64n - 1n, { fields: ["maxExcursion"] });
  assert.ok(Array.isArray(far.maxExcursion) && far.maxExcursion.length === 19);
  assert.equal(far.maxExcursion[0], c.maxExcursion(2n ** 64n - 20n));
  assert.ok(far.maxExcursion[0] > 2n ** 64n);
});

test("values past 2^53 come back as bigints", () => {
  const s = c.stats(2n ** 100n + 1n);
  assert.equal(typeof s.max, "bigint");
  assert.equal(s.n, 2n ** 100n + 1n);
  assert.equal(typeof c.maxExcursion(3), "bigint");
  assert.equal(c.totalStoppingTime("2^100 + 1"), s.totalStoppingTime);
});

test("the cache counts hits, misses and evictions", () => {
  const cache = new c.StepCache(1 << 10, 64);
  assert.equal(cache.totalStoppingTime(27), 111);
  assert.equal(cache.totalStoppingTime(63728127), 949);
  assert.equal(cache.totalStoppingTime(63728127n), 949);
  for (let n = 1e9; n < 1e9 + 200; n++) assert.equal(cache.totalStoppingTime(n), c.totalStoppingTime(n));
  const st = cache.stats();
  assert.equal(st.misses, 201);
  assert.equal(st.hits, 2);
  assert.ok(st.entries <= 64);
  assert.equal(st.evictions, 201 - st.entries);
});

test("maps find the cycles on the negatives", () => {
  const m = new c.CollatzMap(3, 1);
  const r = m.run(-17n);
  assert.equal(r.outcome, "cycle");
  assert.equal(r.cycleLeastAbs, -17n);
  assert.equal(r.cycleLength, 18);
  assert.equal(m.run(27).outcome, "reached_one");
  assert.equal(m.run(27).steps, 111);
});

test("CommonJS and ESM entry points export the same functions", () => {
  const cjs = require("../index.js");
  for (const name of ["totalStoppingTime", "stats", "sequence", "columns", "summary", "summaryAsync", "StepCache"]) {
    assert.equal(typeof cjs[name], "function", name);
    assert.equal(cjs[name], c[name], name);
  }
  assert.equal(c.version(), require("../package.json").version);
  // one version for the crate, the npm package and the Python package (the workspace's)
  const cargo = require("node:fs").readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8");
  assert.equal(c.version(), /\[workspace\.package\]\s*version = "([^"]+)"/.exec(cargo)[1]);
});
