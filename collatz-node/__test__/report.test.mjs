// What a service answers with: the command line's JSON texts, density grids, memo bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as c from "../index.mjs";
import { oracle } from "./helpers.mjs";

test("statsJson is the text of `collatz stats N --json`, for any size", { timeout: 10_000 }, async () => {
  assert.equal(
    c.statsJson(27),
    '{"even_steps":70,"max":"9232","max_bits":14,"n":"27","odd_steps":41,"shortcut_steps":70,"stopping_time":96,"stopping_time_shortcut":59,"total_stopping_time":111}',
  );
  const big = "2^100+1";
  const o = oracle(2n ** 100n + 1n);
  for (const text of [c.statsJson(big), await c.statsJsonAsync(big)]) {
    const s = JSON.parse(text);
    assert.equal(s.n, (2n ** 100n + 1n).toString());
    assert.equal(s.total_stopping_time, o.totalStoppingTime);
    assert.equal(s.max, o.max.toString());
  }
  assert.throws(() => c.statsJson(0), { name: "RangeError", code: "ERR_COLLATZ_ZERO" });
  assert.throws(() => c.statsJson("x"), { name: "TypeError", code: "ERR_COLLATZ_PARSE" });
  await assert.rejects(async () => c.statsJsonAsync("-5"), { name: "RangeError", code: "ERR_COLLATZ_NEGATIVE" });
});

test("summaryJson is the text of `collatz range A B --json --records`", { timeout: 20_000 }, async () => {
  const text = await c.summaryJsonAsync(1, 1e6);
  assert.equal(text, c.summaryJson(1, 1e6));
  const s = JSON.parse(text);
  assert.equal(s.sum_total_stopping_time, 131434272);
  assert.equal(s.count, 999999);
  assert.equal(s.delay_records.at(-1).n, "837799");
  assert.equal(s.histogram, undefined);
  assert.equal(s.sum_odd_steps, undefined);
  const bare = JSON.parse(c.summaryJson(1, 1000, { records: false, histogram: true }));
  assert.equal(bare.delay_records, undefined);
  assert.equal(bare.histogram.reduce((a, b) => a + b, 0), 999);
  // and the same numbers as the object API
  const obj = c.summary(1, 1e6);
  assert.equal(String(s.sum_total_stopping_time), obj.totalStoppingTime.sum);
  await assert.rejects(c.summaryJsonAsync(1, 1e12, { signal: AbortSignal.abort() }), { name: "AbortError" });
  assert.throws(() => c.summaryJson(10, 5), { name: "RangeError", code: "ERR_COLLATZ_INVALID_ARGUMENT" });
});

test("verifyJsonAsync gives the verification's shape", { timeout: 10_000 }, async () => {
  const v = JSON.parse(await c.verifyJsonAsync(1, 1e6));
  assert.deepEqual(Object.keys(v).sort(), ["end", "followed", "max_value", "max_value_n", "proved", "start", "verified"]);
  assert.equal(v.verified, 999999);
  assert.equal(v.max_value_n, "704511");
  assert.equal(v.max_value, "56991483520");
});

test("density counts every n once, in the right cell", { timeout: 20_000 }, async () => {
  for (const [a, b, field] of [[1, 100000, "totalStoppingTime"], [5000, 25000, "stoppingTime"], [1e12, 1e12 + 3000, "odd_steps"]]) {
    const width = 37, height = 11;
    const d = await c.densityAsync(a, b, { width, height, field });
    assert.equal(d.counts.length, d.width * d.height);
    // the grid from the columns, by the documented cell formulas
    const key = { totalStoppingTime: "totalStoppingTime", stoppingTime: "stoppingTime", odd_steps: "oddSteps" }[field];
    const col = c.columns(a, b, { fields: [key] })[key];
    const len = b - a, lo = Math.min(...col), hi = Math.max(...col), span = hi - lo + 1;
    const step = Math.ceil(span / height); // the fewest whole steps per row that fit
    assert.equal(d.yMin, lo);
    assert.equal(d.yMax, hi);
    assert.equal(d.yStep, step);
    assert.equal(d.height, Math.ceil(span / step));
    const want = new Uint32Array(d.width * d.height);
    col.forEach((y, i) => {
      const x = Math.floor((i * d.width) / len);
      want[Math.floor((y - lo) / step) * d.width + x] += 1;
    });
    assert.deepEqual(d.counts, want, `${a}..${b} ${field}`);
  }
  const sync = c.density(1, 1000, { width: 10, height: 10, field: "maxExcursion" });
  assert.equal(sync.field, "maxExcursion");
  assert.equal(sync.counts.reduce((s, x) => s + x, 0), 999);
  assert.ok(sync.yMax > 13 && sync.yMax < 27); // log2 of 250,504 (n = 703)
});

test("density refuses bad grids and fields with coded errors, and aborts", { timeout: 10_000 }, async () => {
  assert.throws(() => c.density(1, 100, { width: 0 }), { name: "RangeError", code: "ERR_COLLATZ_INVALID_ARGUMENT" });
  assert.throws(() => c.density(1, 100, { height: 5000 }), { name: "RangeError", code: "ERR_COLLATZ_INVALID_ARGUMENT" });
  assert.throws(() => c.density(1, 100, { field: "colour" }), { code: "ERR_COLLATZ_INVALID_ARGUMENT" });
  assert.throws(() => c.densityAsync(0, 100), { name: "RangeError", code: "ERR_COLLATZ_ZERO" });
  const ac = new AbortController();
  const p = c.densityAsync(1, 1e12, { signal: ac.signal, width: 4096, height: 100 });
  setTimeout(() => ac.abort(), 100);
  const t0 = performance.now();
  await assert.rejects(p, { name: "AbortError", code: "ABORT_ERR" });
  assert.ok(performance.now() - t0 < 2000);
  assert.ok(c.memoBytes() > 0);
});
