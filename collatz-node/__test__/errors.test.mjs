// Every bad input gets a TypeError or RangeError with a clear message, and the process
// survives each (checked again in a child process that must exit normally).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as c from "../index.mjs";

const RANGE = [0, -5, 1.5, NaN, Infinity, -Infinity, 2 ** 53, Number.MAX_VALUE, -3n, 0n];
const TYPE = [true, false, undefined, null, {}, [], () => 1, Symbol("x"), "x7", "", "1.5"];
const SINGLE = [c.totalStoppingTime, c.stoppingTime, c.maxExcursion, c.stats, c.sequence, c.predecessors];

test("bad start values: RangeError for numbers out of the domain, TypeError for other types", () => {
  for (const f of SINGLE) {
    for (const bad of RANGE) assert.throws(() => f(bad), RangeError, `${f.name}(${String(bad)})`);
    for (const bad of TYPE) assert.throws(() => f(bad), TypeError, `${f.name}(${String(bad)})`);
  }
  assert.throws(() => c.totalStoppingTime(1.5), /safe integer/);
  assert.throws(() => c.totalStoppingTime(true), /number, a bigint or a decimal string, got a boolean/);
});

test("bad ranges and options", () => {
  for (const f of [c.columns, c.summary, c.verify]) {
    assert.throws(() => f(0, 10), RangeError);
    assert.throws(() => f(10, 5), /must not be below/);
    assert.throws(() => f(1, 2n ** 64n), /below 2\^64/);
    assert.throws(() => f(1.5, 10), RangeError);
    assert.throws(() => f("1", {}), TypeError);
    assert.throws(() => f(1, 10, { threads: 0 }), /threads/);
    assert.throws(() => f(1, 10, { chunkSize: 0 }), /chunkSize/);
    assert.throws(() => f(1, 10, { chunkSize: 2.5 }), /chunkSize/);
  }
  assert.throws(() => c.columns(1, 10, { fields: ["steps"] }), /unknown field/);
  assert.throws(() => c.columns(1, 10, { fields: [] }), /at least one/);
  assert.throws(() => c.summaryAsync(0, 10), RangeError);
});

test("maps, trees and the cache refuse what they cannot do", () => {
  assert.throws(() => new c.CollatzMap(4, 1), RangeError);
  assert.throws(() => new c.CollatzMap(3, 2), RangeError);
  assert.throws(() => new c.CollatzMap(3, 1).run(2.5), RangeError);
  assert.throws(() => new c.CollatzMap(3, 1).run(7, 0), RangeError);
  assert.match(new c.CollatzMap(5, 1).run(7, 10000).outcome, /step_limit|bit_limit/);
  assert.throws(() => c.treeLevels(60, 1000), RangeError);
  assert.throws(() => new c.StepCache(1, 10), RangeError);
  assert.throws(() => new c.StepCache(100, -1), RangeError);
  assert.throws(() => new c.StepCache().totalStoppingTime(2n ** 64n), RangeError);
  assert.throws(() => new c.StepCache().totalStoppingTime(0), RangeError);
});

test("the process survives every bad input", () => {
  const script = `
    const c = require(${JSON.stringify(fileURLToPath(new URL("../index.js", import.meta.url)))});
    const bad = [0, -5, 1.5, NaN, 2 ** 53, -3n, true, undefined, null, {}, "x", Symbol("s")];
    let thrown = 0;
    for (const f of [c.totalStoppingTime, c.stats, c.sequence, c.maxExcursion, c.predecessors])
      for (const b of bad) { try { f(b); } catch (e) { thrown++; } }
    for (const args of [[0, 1], [5, 1], [1, 2n ** 64n], [1, 10, { threads: 0 }]])
      for (const f of [c.columns, c.summary, c.verify]) { try { f(...args); } catch (e) { thrown++; } }
    console.log("alive", thrown);
  `;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `alive ${5 * 12 + 4 * 3}`);
});
