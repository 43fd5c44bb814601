// Property checks against the BigInt oracle of helpers.mjs, big values included.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as c from "../index.mjs";
import { oracle, rng, randomBig } from "./helpers.mjs";

test("stats equal the BigInt oracle for random values up to 400 bits", () => {
  const next = rng(1);
  for (let i = 0; i < 300; i++) {
    const n = randomBig(next, [20, 53, 64, 130, 400][i % 5]);
    const want = oracle(n);
    const s = c.stats(n);
    for (const k of Object.keys(want)) assert.equal(s[k], k === "max" ? want.max : want[k], `${k} of ${n}`);
    assert.equal(c.totalStoppingTime(n), want.totalStoppingTime);
    assert.equal(c.totalStoppingTime(n.toString()), want.totalStoppingTime);
    if (n <= BigInt(Number.MAX_SAFE_INTEGER)) assert.equal(c.stoppingTime(Number(n)), want.stoppingTime);
    assert.equal(c.maxExcursion(n), want.max);
  }
});

test("sequences follow the map, lazily", () => {
  const next = rng(2);
  for (let i = 0; i < 100; i++) {
    const n = randomBig(next, 300);
    const it = c.sequence(n);
    let prev = it.next().value;
    assert.equal(prev, n);
    for (let k = 0; k < 100; k++) {
      const r = it.next();
      if (r.done) break;
      assert.equal(r.value, prev % 2n ? 3n * prev + 1n : prev / 2n);
      prev = r.value;
    }
    const t = [...c.sequence(n % 100000n + 1n, true)];
    for (let k = 1; k < t.length; k++) assert.equal(t[k], t[k - 1] % 2n ? (3n * t[k - 1] + 1n) / 2n : t[k - 1] / 2n);
  }
  // a start value of 200,000 bits yields its first values at once
  const t0 = performance.now();
  const it = c.sequence((1n << 200000n) - 1n);
  it.next();
  it.next();
  assert.ok(performance.now() - t0 < 500);
});

test("columns equal single values; summaries do not depend on threads or chunk size", () => {
  const next = rng(3);
  for (let i = 0; i < 30; i++) {
    const start = 1 + Math.floor(next() * 1e7);
    const len = 1 + Math.floor(next() * 3000);
    const all = { fields: ["totalStoppingTime", "stoppingTime", "oddSteps", "maxExcursion"] };
    const cols = c.columns(start, start + len, all);
    for (const j of [0, len - 1, len >> 1]) {
      const want = oracle(start + j);
      assert.equal(cols.totalStoppingTime[j], want.totalStoppingTime);
      assert.equal(cols.stoppingTime[j], want.stoppingTime);
      assert.equal(cols.oddSteps[j], want.oddSteps);
      assert.equal(cols.maxExcursion[j], want.max);
    }
    const base = c.summary(start, start + len);
    for (const threads of [1, 2, 8]) {
      const chunkSize = 1 + Math.floor(next() * 2000);
      assert.deepEqual(c.summary(start, start + len, { threads, chunkSize }), base);
    }
  }
});

test("predecessors step back", () => {
  const next = rng(4);
  for (let i = 0; i < 200; i++) {
    const m = randomBig(next, 100);
    const [even, odd] = c.predecessors(m);
    assert.equal(even, 2n * m);
    if (m % 6n === 4n && m > 4n) assert.equal(odd, (m - 1n) / 3n);
    else assert.equal(odd, null);
  }
});
