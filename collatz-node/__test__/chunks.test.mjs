// chunks(): an async iterator of chunk columns, computed only when asked, abortable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { getEventListeners } from "node:events";
import * as c from "../index.mjs";

const ALL = ["totalStoppingTime", "stoppingTime", "oddSteps", "maxExcursion"];

/** Every chunk of an iteration, and the columns they add up to. */
async function collect(iterable, fields) {
  const parts = [];
  for await (const chunk of iterable) parts.push(chunk);
  const joined = {};
  for (const f of fields) {
    if (Array.isArray(parts[0][f])) {
      joined[f] = parts.flatMap((p) => p[f]);
      continue;
    }
    const Arr = parts[0][f].constructor;
    const out = new Arr(parts.reduce((n, p) => n + p[f].length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[f], at);
      at += p[f].length;
    }
    joined[f] = out;
  }
  return { parts, joined };
}

test("chunks add up to the columns of the whole range", async () => {
  for (const [start, end, chunkSize] of [[1, 100_001, 30_000], [5, 6, 1], [1e9, 1e9 + 50_000, 8192], [2 ** 40, 2 ** 40 + 1000, 1000]]) {
    const { parts, joined } = await collect(c.chunks(start, end, { fields: ALL, chunkSize, threads: 2 }), ALL);
    assert.equal(parts.length, Math.ceil((end - start) / chunkSize));
    parts.forEach((p, i) => assert.equal(p.start, BigInt(start + i * chunkSize)));
    assert.ok(parts.every((p) => p.totalStoppingTime instanceof Uint16Array));
    // maxima as a BigUint64Array, or an array of bigints past n = 12,327,829,503
    assert.ok(parts.every((p) => p.maxExcursion instanceof (end <= 12_327_829_503 ? BigUint64Array : Array)));
    assert.deepEqual(joined, (({ start, ...rest }) => rest)(c.columns(start, end, { fields: ALL })));
  }
  // the default: total stopping times in chunks of 2^18
  const { parts } = await collect(c.chunks(1, 2 ** 18 + 5), ["totalStoppingTime"]);
  assert.deepEqual(parts.map((p) => p.totalStoppingTime.length), [2 ** 18, 4]);
  assert.deepEqual(Object.keys(parts[0]).sort(), ["start", "totalStoppingTime"]);
  assert.equal(parts[0].totalStoppingTime[26], 111);
  // an empty range yields nothing
  assert.deepEqual((await collect(c.chunks(7, 7), [])).parts, []);
});

test("a chunk is computed only when the consumer asks for it", async () => {
  let done = 0;
  const it = c.chunks(1, 1e8, { chunkSize: 1e5, onProgress: (d) => (done = Math.max(done, d)) });
  const first = await it.next();
  assert.equal(first.done, false);
  assert.equal(first.value.totalStoppingTime.length, 1e5);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(done <= 1e5, `computed ${done} start values ahead of the consumer`);
  await it.next();
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(done <= 2e5, `computed ${done} start values after two chunks`);
  // break in a for-await loop calls return(): the iteration ends there
  for await (const chunk of it) {
    assert.equal(chunk.start, 200_001n);
    break;
  }
  assert.deepEqual(await it.next(), { done: true });
});

test("next() calls made at once are served in order", async () => {
  const it = c.chunks(1, 1001, { chunkSize: 100 });
  const steps = await Promise.all(Array.from({ length: 12 }, () => it.next()));
  assert.deepEqual(steps.map((s) => (s.done ? null : Number(s.value.start))), [1, 101, 201, 301, 401, 501, 601, 701, 801, 901, null, null]);
});

test("an AbortSignal stops the pending chunk; the listener goes when the iteration ends", async () => {
  const ac = new AbortController();
  const it = c.chunks(1e12, 1e12 + 1e10, { chunkSize: 1e9, signal: ac.signal });
  assert.equal(getEventListeners(ac.signal, "abort").length, 1);
  const pending = it.next();
  await new Promise((r) => setTimeout(r, 200));
  const t0 = performance.now();
  ac.abort();
  await assert.rejects(pending, (e) => e.name === "AbortError" && e.code === "ABORT_ERR" && e instanceof Error);
  assert.ok(performance.now() - t0 < 1000, `stopped ${performance.now() - t0} ms after the abort`);
  await assert.rejects(it.next(), { name: "AbortError" });
  assert.equal(getEventListeners(ac.signal, "abort").length, 0);
  // an already aborted signal rejects at once
  await assert.rejects(c.chunks(1, 10, { signal: AbortSignal.abort() }).next(), { name: "AbortError" });
  // a finished or stopped iteration lets its signal go
  const shared = new AbortController();
  await collect(c.chunks(1, 1000, { chunkSize: 300, signal: shared.signal }), []);
  const stopped = c.chunks(1, 1000, { signal: shared.signal });
  await stopped.return();
  assert.equal(getEventListeners(shared.signal, "abort").length, 0);
});

test("an unfinished iterator does not keep the process alive", () => {
  const script = `
    const c = require(${JSON.stringify(new URL("../index.js", import.meta.url).pathname)});
    globalThis.kept = c.chunks(1, 1e9, { chunkSize: 1e5, onProgress: () => {}, signal: new AbortController().signal });
    globalThis.kept.next().then((r) => console.log("first", r.value.totalStoppingTime.length));
  `;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, `exit ${r.status ?? r.signal}: ${r.stderr}`);
  assert.equal(r.stdout.trim(), "first 100000");
});
