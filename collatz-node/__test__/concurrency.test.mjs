// Many async calls at once on the one engine of the module-level functions: every result
// equals the same call made alone, aborted calls reject with AbortError, nothing hangs, and a
// short call does not wait behind a long one.
//
// The concurrent part runs in a child process (this file, with COLLATZ_STRESS_CHILD set) on a
// fresh engine, killed at a deadline: a call that never settles fails the test instead of
// hanging the test runner (a libuv thread stuck in native code would keep the process alive).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as c from "../index.mjs";
import { rng } from "./helpers.mjs";

const ALL = ["totalStoppingTime", "stoppingTime", "oddSteps", "maxExcursion"];

/** The jobs of the stress run: each loop cycles through its own list. */
function plan() {
  const next = rng(14);
  const start = (lo, hi) => lo + Math.floor(next() * (hi - lo));
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const short = () => {
    const s = start(1e6, 1e9);
    return { kind: "summary", start: s, end: s + 1e5, options: pick([{}, { fields: ALL }, { fields: ["totalStoppingTime"] }]) };
  };
  const cols = () => {
    const s = start(1, 1e9);
    return { kind: "columns", start: s, end: s + pick([1e3, 3e4, 1e5]), options: { fields: pick([ALL, ["totalStoppingTime"], ["totalStoppingTime", "maxExcursion"]]) } };
  };
  const ver = () => {
    const k = start(0, 1 << 16);
    return { kind: "verify", start: `2^40 + ${k}*2^22`, end: `2^40 + ${k + 1}*2^22`, options: {} };
  };
  const chunked = () => {
    const s = start(1, 1e9);
    return { kind: "chunks", start: s, end: s + 2.5e5, options: { chunkSize: 1e5, fields: pick([ALL, ["totalStoppingTime"]]) } };
  };
  const jobs = {
    // long calls, from 1 (growing the memo) and far out with every statistic
    long: [
      { kind: "summary", start: 1, end: 4e7, options: {} },
      { kind: "summary", start: 2e9, end: 2e9 + 1e7, options: { fields: ALL } },
      { kind: "columns", start: 1, end: 2e7, options: { fields: ["totalStoppingTime", "maxExcursion"] } },
      { kind: "summary", start: 1, end: 6e7, options: { fields: ["totalStoppingTime"] } },
    ],
    short: Array.from({ length: 24 }, short),
    mixed: Array.from({ length: 24 }, (_, i) => [cols, ver, chunked][i % 3]()),
    // aborted after a few milliseconds; a result that comes first must still be right
    aborted: Array.from({ length: 8 }, (_, i) => ({ kind: i % 2 ? "summary" : "verify", start: i % 2 ? 1 : "2^41", end: i % 2 ? 1e10 : "2^41 + 2^36", options: {}, abortAfter: 5 + 20 * (i % 4) })),
  };
  for (const [name, list] of Object.entries(jobs)) list.forEach((job, i) => (job.id = `${name}:${i}`));
  return jobs;
}

/** A result in a form that compares exactly and travels as JSON (typed arrays hashed). */
function digest(x) {
  if (x instanceof Uint16Array || x instanceof BigUint64Array) {
    return `${x.constructor.name}(${x.length}):${createHash("sha256").update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest("hex")}`;
  }
  if (Array.isArray(x)) return x.map(digest);
  if (typeof x === "bigint") return `${x}n`;
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, digest(v)]));
  return x;
}

/** A job made alone, synchronously. */
function alone(job) {
  const { kind, start, end, options } = job;
  if (kind === "chunks") {
    // the chunks of [start, end) are the columns of their sub-ranges
    const out = [];
    for (let s = start; s < end; s += options.chunkSize) out.push(c.columns(s, Math.min(s + options.chunkSize, end), { fields: options.fields }));
    return digest(out);
  }
  return digest({ columns: c.columns, summary: c.summary, verify: c.verify }[kind](start, end, options));
}

/** The same job as an async call. */
async function together(job, signal) {
  const { kind, start, end, options } = job;
  if (kind === "chunks") {
    const out = [];
    for await (const chunk of c.chunks(start, end, { ...options, signal })) out.push(chunk);
    return digest(out);
  }
  const f = { columns: c.columnsAsync, summary: c.summaryAsync, verify: c.verifyAsync }[kind];
  return digest(await f(start, end, { ...options, signal }));
}

/** The child: loops of async calls side by side until `seconds` have passed. */
async function stress(expected, seconds) {
  const until = performance.now() + seconds * 1000;
  const counts = {};
  const failures = [];
  const loop = async (name, jobs) => {
    // until the deadline, and through the whole list at least once
    for (let i = 0; performance.now() < until || i < jobs.length; i++) {
      const job = jobs[i % jobs.length];
      const key = job.id;
      const ac = new AbortController();
      if (job.abortAfter) setTimeout(() => ac.abort(), job.abortAfter);
      try {
        const got = await together(job, ac.signal);
        counts[name] = (counts[name] ?? 0) + 1;
        if (JSON.stringify(got) !== JSON.stringify(expected[key])) failures.push(`${key}: ${JSON.stringify(job)} differs from the call made alone`);
      } catch (e) {
        if (job.abortAfter && e.name === "AbortError" && e.code === "ABORT_ERR") counts.aborts = (counts.aborts ?? 0) + 1;
        else failures.push(`${key}: ${JSON.stringify(job)} failed: ${e.name} ${e.code} ${e.message}`);
      }
    }
  };
  const jobs = plan();
  await Promise.all([loop("long", jobs.long), loop("short", jobs.short), loop("short", [...jobs.short].reverse()), loop("mixed", jobs.mixed), loop("aborted", jobs.aborted)]);
  return { counts, failures };
}

/** The head-of-line case: short summaries while a long one runs on the same engine. */
async function headOfLine() {
  const ac = new AbortController();
  let started;
  const running = new Promise((r) => (started = r));
  let longDone = false;
  const long = c.summaryAsync(1, 3e9, { signal: ac.signal, onProgress: () => started() }).finally(() => (longDone = true));
  long.catch(() => {});
  await running;
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await c.summaryAsync(1e6 + i * 1e5, 1e6 + (i + 1) * 1e5);
    times.push(performance.now() - t0);
  }
  const beforeLong = !longDone;
  ac.abort();
  let longError = null;
  try {
    await long;
  } catch (e) {
    longError = e.name;
  }
  return { beforeLong, times, longError };
}

if (process.env.COLLATZ_STRESS_CHILD === "stress") {
  const { expected, seconds } = JSON.parse(process.env.COLLATZ_STRESS_INPUT);
  console.log(JSON.stringify(await stress(expected, seconds)));
} else if (process.env.COLLATZ_STRESS_CHILD === "head") {
  console.log(JSON.stringify(await headOfLine()));
} else {
  /** Runs this file as a child; resolves with its JSON output, or fails past `deadline` ms. */
  const child = (mode, input, deadline) =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
        env: { ...process.env, COLLATZ_STRESS_CHILD: mode, COLLATZ_STRESS_INPUT: JSON.stringify(input ?? null) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "", err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      const timer = setTimeout(() => {
        p.kill("SIGKILL");
        reject(new Error(`${mode}: no result after ${deadline} ms (a call hung?)\n${err}`));
      }, deadline);
      p.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(JSON.parse(out));
        else reject(new Error(`${mode}: exit ${code ?? signal}\n${out}\n${err}`));
      });
    });

  test("4+ concurrent async calls on one engine for 10 s: results equal the calls made alone", { timeout: 240_000 }, async (t) => {
    const jobs = plan();
    const expected = {};
    for (const name of ["long", "short", "mixed"]) for (const job of jobs[name]) expected[job.id] = alone(job);
    // the aborted jobs take minutes alone and are aborted within 65 ms: a result is a failure
    for (const job of jobs.aborted) expected[job.id] = "not expected: the call should have been aborted";
    const r = await child("stress", { expected, seconds: 10 }, 180_000);
    assert.deepEqual(r.failures, []);
    for (const name of ["long", "short", "mixed", "aborts"]) assert.ok(r.counts[name] > 0, `no ${name} call finished: ${JSON.stringify(r.counts)}`);
    t.diagnostic(`stress: ${JSON.stringify(r.counts)} calls finished in 10 s`);
  });

  test("a short summary resolves while a long one runs (no head-of-line blocking)", { timeout: 240_000 }, async (t) => {
    const r = await child("head", null, 180_000);
    assert.ok(r.beforeLong, `the short calls waited for the long one (${r.times.map((t) => t.toFixed(1)).join(", ")} ms)`);
    assert.equal(r.longError, "AbortError");
    t.diagnostic(`head of line: short summaries of 1e5 numbers took ${r.times.map((t) => t.toFixed(1)).join(", ")} ms beside summaryAsync(1, 3e9)`);
  });
}
