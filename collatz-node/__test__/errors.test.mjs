// Every bad input gets a real TypeError or RangeError with a stable `code`, sync and async;
// aborts are AbortErrors; the process survives each (checked again in a child process that
// must exit normally).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as c from "../index.mjs";

const RANGE = [0, -5, 1.5, NaN, Infinity, -Infinity, 2 ** 53, Number.MAX_VALUE, -3n, 0n];
const TYPE = [true, false, undefined, null, {}, [], () => 1, Symbol("x"), "x7", "", "1.5"];
const SINGLE = [c.totalStoppingTime, c.stoppingTime, c.maxExcursion, c.stats, c.sequence, c.trajectory, c.predecessors];

/** An assert.throws / assert.rejects matcher: the class (exactly) and the code. */
const is = (cls, code, more = {}) => (e) => {
  assert.equal(Object.getPrototypeOf(e), cls.prototype, `${e} is not a ${cls.name}`);
  assert.ok(e instanceof Error);
  assert.equal(e.code, code, `${e}: code ${e.code}`);
  for (const [k, v] of Object.entries(more)) assert.deepEqual(e[k], v, `${e}: ${k}`);
  return true;
};

test("bad start values: RangeError for numbers out of the domain, TypeError for other types", () => {
  for (const f of SINGLE) {
    for (const bad of RANGE) assert.throws(() => f(bad), RangeError, `${f.name}(${String(bad)})`);
    for (const bad of TYPE) assert.throws(() => f(bad), TypeError, `${f.name}(${String(bad)})`);
  }
  assert.throws(() => c.totalStoppingTime(1.5), /safe integer/);
  assert.throws(() => c.totalStoppingTime(true), /number, a bigint or a decimal string, got a boolean/);
});

test("each kind of error has its class and code (sync)", () => {
  for (const zero of [0, 0n, "0"]) assert.throws(() => c.stats(zero), is(RangeError, "ERR_COLLATZ_ZERO"));
  assert.throws(() => c.columns(0, 10), is(RangeError, "ERR_COLLATZ_ZERO"));
  for (const neg of [-5, -3n, -(2n ** 200n)]) assert.throws(() => c.totalStoppingTime(neg), is(RangeError, "ERR_COLLATZ_NEGATIVE"));
  for (const bad of [1.5, NaN, Infinity, 2 ** 53]) assert.throws(() => c.stoppingTime(bad), is(RangeError, "ERR_COLLATZ_INVALID_ARGUMENT"));
  assert.throws(() => new c.CollatzMap(4, 1), is(RangeError, "ERR_COLLATZ_INVALID_MAP"));
  assert.throws(() => new c.CollatzMap(3, 2), is(RangeError, "ERR_COLLATZ_INVALID_MAP"));
  assert.throws(() => c.treeLevels(60, 1000), is(RangeError, "ERR_COLLATZ_LIMIT", { limit: "maxLevelSize", max: 1000 }));
  assert.throws(() => c.columns(1, 2 ** 40), is(RangeError, "ERR_COLLATZ_OUT_OF_MEMORY"));
  assert.throws(() => c.columns(1, 2 ** 40), (e) => e.bytes === 2 * (2 ** 40 - 1) && e.what === "a column" && /memory/.test(e.message));
  for (const bad of ["x7", "", "1.5", "2^"]) assert.throws(() => c.stats(bad), is(TypeError, "ERR_COLLATZ_PARSE"));
  for (const bad of [true, undefined, null, {}, Symbol("s")]) assert.throws(() => c.stats(bad), is(TypeError, "ERR_COLLATZ_TYPE"));
  assert.throws(() => c.summaryAsync(1, 10, { signal: {} }), is(TypeError, "ERR_COLLATZ_TYPE"));
});

test("bad ranges and options", () => {
  const invalid = is(RangeError, "ERR_COLLATZ_INVALID_ARGUMENT");
  for (const f of [c.columns, c.summary, c.verify, c.columnsAsync, c.summaryAsync, c.verifyAsync, c.chunks]) {
    assert.throws(() => f(0, 10), is(RangeError, "ERR_COLLATZ_ZERO"));
    assert.throws(() => f(10, 5), invalid);
    assert.throws(() => f(10, 5), /end 5 is below start 10/);
    if (f === c.verify || f === c.verifyAsync) {
      // verify takes bounds below 2^128, at most 2^64 - 1 numbers at once
      assert.throws(() => f(1, 2n ** 128n), invalid);
      assert.throws(() => f(2n ** 68n, 2n ** 128n), /below 2\^128/);
      assert.throws(() => f("2^128", "2^128 + 1"), /below 2\^128/);
      assert.throws(() => f(1, 2n ** 64n + 1n), /at most 2\^64 - 1 numbers/);
      assert.throws(() => f(2n ** 68n + 10n, 2n ** 68n), /is below start/);
    } else {
      assert.throws(() => f(1, 2n ** 64n), invalid);
      assert.throws(() => f(1, 2n ** 64n), /below 2\^64/);
    }
    assert.throws(() => f(1.5, 10), invalid);
    assert.throws(() => f("1", {}), is(TypeError, "ERR_COLLATZ_TYPE"));
    assert.throws(() => f(1, 10, { threads: 0 }), invalid);
    assert.throws(() => f(1, 10, { threads: 0 }), /threads/);
    assert.throws(() => f(1, 10, { chunkSize: 0 }), /chunkSize/);
    assert.throws(() => f(1, 10, { chunkSize: 2.5 }), invalid);
    assert.throws(() => f(1, 10, { fields: ["steps"] }), invalid);
  }
  // the field names and their message come from the core
  assert.throws(() => c.columns(1, 10, { fields: ["steps"] }), /unknown field "steps"; the fields are "totalStoppingTime", "stoppingTime", "oddSteps", "maxExcursion"/);
  assert.throws(() => c.columns(1, 10, { fields: ["total_stopping_time"] }), /unknown field/);
  assert.throws(() => c.columns(1, 10, { fields: [] }), /at least one/);
});

test("async calls reject with the same classes and codes", async () => {
  await assert.rejects(c.columnsAsync(1, 2 ** 40), is(RangeError, "ERR_COLLATZ_OUT_OF_MEMORY"));
  const it = c.chunks(1, 2 ** 41, { chunkSize: 2 ** 40 });
  await assert.rejects(it.next(), is(RangeError, "ERR_COLLATZ_OUT_OF_MEMORY"));
  assert.deepEqual(await it.next(), { done: true });
  await assert.rejects(c.summaryAsync(1, 1e6, { signal: AbortSignal.abort() }), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "AbortError");
    assert.equal(e.code, "ABORT_ERR");
    assert.equal(e.cause?.name, "AbortError"); // the signal's reason, a DOMException
    return true;
  });
  const reason = new Error("stop now");
  await assert.rejects(c.verifyAsync(1, 1e6, { signal: AbortSignal.abort(reason) }), (e) => e.name === "AbortError" && e.cause === reason);
});

test("the input bit limit: a RangeError naming it, and raising it lets the value through", () => {
  const before = c.maxInputBits();
  assert.equal(before, 2 ** 19);
  const big = 2n ** 600000n + 1n;
  assert.throws(() => c.totalStoppingTime(big), is(RangeError, "ERR_COLLATZ_LIMIT", { limit: "maxInputBits", max: 2 ** 19, bits: 600001 }));
  assert.throws(() => c.totalStoppingTime(big), /input size limit of 524288/);
  for (const text of ["0x" + big.toString(16), "2^600000 + 1"]) {
    assert.throws(() => c.totalStoppingTime(text), is(RangeError, "ERR_COLLATZ_LIMIT", { limit: "maxInputBits", max: 2 ** 19 }));
  }
  assert.throws(() => new c.CollatzMap(3, 1).run(-big), is(RangeError, "ERR_COLLATZ_LIMIT", { limit: "maxInputBits" }));
  try {
    c.setMaxInputBits(2 ** 20);
    assert.equal(c.maxInputBits(), 2 ** 20);
    assert.ok(c.stoppingTime(big) > 0);
    assert.equal(c.stoppingTime("2^600000 + 1"), c.stoppingTime(big));
  } finally {
    c.setMaxInputBits(before);
  }
  assert.throws(() => c.stoppingTime(big), RangeError);
  for (const bad of [0, -1, 1.5, NaN]) assert.throws(() => c.setMaxInputBits(bad), is(RangeError, "ERR_COLLATZ_INVALID_ARGUMENT"));
});

test("maps, trees and the cache refuse what they cannot do", () => {
  assert.throws(() => new c.CollatzMap(3, 1).run(2.5), RangeError);
  assert.throws(() => new c.CollatzMap(3, 1).run(7, 0), RangeError);
  assert.match(new c.CollatzMap(5, 1).run(7, 10000).outcome, /step_limit|bit_limit/);
  assert.throws(() => new c.StepCache(1, 10), RangeError);
  assert.throws(() => new c.StepCache(100, -1), RangeError);
  assert.throws(() => new c.StepCache().totalStoppingTime(2n ** 64n), RangeError);
  assert.throws(() => new c.StepCache().totalStoppingTime(0), is(RangeError, "ERR_COLLATZ_ZERO"));
});

test("the process survives every bad input", () => {
  const script = `
    const c = require(${JSON.stringify(fileURLToPath(new URL("../index.js", import.meta.url)))});
    const bad = [0, -5, 1.5, NaN, 2 ** 53, -3n, true, undefined, null, {}, "x", Symbol("s")];
    let thrown = 0;
    for (const f of [c.totalStoppingTime, c.stats, c.sequence, c.maxExcursion, c.predecessors])
      for (const b of bad) { try { f(b); } catch (e) { thrown++; } }
    for (const args of [[0, 1], [5, 1], [1, 2n ** 128n], [1, 10, { threads: 0 }]])
      for (const f of [c.columns, c.summary, c.verify]) { try { f(...args); } catch (e) { thrown++; } }
    console.log("alive", thrown);
  `;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `alive ${5 * 12 + 4 * 3}`);
});
