// Promise versions: off the event loop (a 10 ms timer keeps firing), AbortSignal, progress.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import * as c from "../index.mjs";

test("the event loop stays responsive during an async range", async () => {
  let worst = 0, ticks = 0, last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
    ticks++;
  }, 10);
  const t0 = performance.now();
  const s = await c.summaryAsync(1e10, 1e10 + 4e7, { fields: ["totalStoppingTime"] });
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  assert.equal(s.count, "40000000");
  assert.ok(elapsed > 200, `the range took only ${elapsed} ms`);
  assert.ok(ticks > elapsed / 20, `only ${ticks} ticks in ${elapsed} ms`);
  assert.ok(worst < 50, `a 10 ms timer was late by ${worst} ms`);
});

test("an AbortSignal stops a long async range promptly", async () => {
  const ac = new AbortController();
  const p = c.summaryAsync(1, 1e12, { signal: ac.signal });
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  ac.abort();
  await assert.rejects(p, (e) => e instanceof Error && e.name === "AbortError" && e.code === "ABORT_ERR");
  assert.ok(performance.now() - t0 < 500, `stopped ${performance.now() - t0} ms after the abort`);
  // the engine is still usable
  assert.equal(c.summary(1, 1000).delayRecords.at(-1).n, "871");
  // an already-aborted signal rejects as well
  await assert.rejects(c.columnsAsync(1, 1e6, { signal: AbortSignal.abort() }), { name: "AbortError", code: "ABORT_ERR" });
});

test("a signal shared by many calls does not collect listeners", async () => {
  const ac = new AbortController();
  const calls = Array.from({ length: 20 }, (_, i) => c.summaryAsync(1e6 + i * 1000, 1e6 + (i + 1) * 1000, { signal: ac.signal }));
  assert.equal(getEventListeners(ac.signal, "abort").length, 20);
  await Promise.all(calls);
  assert.equal(getEventListeners(ac.signal, "abort").length, 0);
  await assert.rejects(c.columnsAsync(1, 2 ** 40, { signal: ac.signal }), { code: "ERR_COLLATZ_OUT_OF_MEMORY" });
  assert.equal(getEventListeners(ac.signal, "abort").length, 0);
});

test("progress reaches the total; async results equal sync ones", async () => {
  const seen = [];
  const s = await c.summaryAsync(1, 3e6, { onProgress: (done, total) => seen.push([done, total]), chunkSize: 1 << 14 });
  await new Promise((r) => setTimeout(r, 20)); // let queued callbacks run
  assert.ok(seen.length > 0);
  assert.deepEqual(seen.at(-1), [2999999, 2999999]);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0]);
  assert.deepEqual(s, c.summary(1, 3e6));
  const cols = await c.columnsAsync(1, 1000, { fields: ["totalStoppingTime", "maxExcursion"] });
  assert.deepEqual(cols, c.columns(1, 1000, { fields: ["totalStoppingTime", "maxExcursion"] }));
  const v = await c.verifyAsync(2n ** 40n, 2n ** 40n + 2n ** 20n);
  assert.equal(v.verified, String(2 ** 20));
});

test("verify past 2^64: BigInt and string bounds, the peak of its start value", { timeout: 20_000 }, async () => {
  const start = 2n ** 68n;
  const v = await c.verifyAsync(start, start + 2n ** 14n);
  assert.deepEqual(c.verify("2^68", "2^68 + 2^14"), v);
  assert.equal(v.start, String(start));
  assert.equal(v.verified, String(2 ** 14));
  const n = BigInt(v.maxValueN);
  assert.ok(n >= start && n < start + 2n ** 14n);
  // the highest value on n's path until it falls below n, walked here in BigInt
  let x = n, top = n;
  while (x >= n) { x = x % 2n ? 3n * x + 1n : x / 2n; if (x > top) top = x; }
  assert.equal(v.maxValue, String(top));
  assert.equal(v.proved, `every n in [${start}, ${start + 2n ** 14n}) reaches 1, provided every n below ${start} does`);
  // a range across 2^64
  const across = c.verify(2n ** 64n - 4096n, 2n ** 64n + 4096n);
  assert.equal(across.verified, "8192");
});
