// Side by side, in one run: total stopping times of every n < 10^7 through the addon (one
// thread and all cores), the Rust CLI (one thread), a plain JS loop (Number arithmetic) and a
// JS loop with a memo table; the per-call overhead of totalStoppingTime against the Rust
// criterion figure; and the worst delay of a 10 ms timer during a 5-second async range.
//
// Usage (after `npm install` in collatz-node/): node --expose-gc bench/compare.mjs [N]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as c from "../index.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const N = Number(process.argv[2] ?? 1e7);
const SUMS = { 1000000: 131434272, 10000000: 1552724686 };

// Between runs the event loop turns (and the GC runs, when node has --expose-gc): the
// finalizers that free a typed array's Rust buffer run on an event-loop turn, so a tight
// synchronous loop of large calls would pile up memory that a real application frees.
async function bestOf(repeat, f) {
  let best = Infinity, out;
  for (let i = 0; i < repeat; i++) {
    out = undefined;
    globalThis.gc?.();
    await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    out = f();
    best = Math.min(best, performance.now() - t0);
  }
  return [best / 1000, out];
}

function plain(end) {
  let total = 0;
  for (let n = 1; n < end; n++) {
    let x = n, steps = 0;
    while (x !== 1) {
      x = x % 2 === 0 ? x / 2 : 3 * x + 1;
      steps++;
    }
    total += steps;
  }
  return total;
}

function memo(end) {
  const t = new Uint16Array(end);
  let total = 0;
  for (let n = 2; n < end; n++) {
    let x = n, steps = 0;
    while (x >= n) {
      if (x % 2 === 1) {
        x = (3 * x + 1) / 2;
        steps += 2;
      } else {
        x /= 2;
        steps += 1;
      }
    }
    t[n] = steps + t[x];
    total += t[n];
  }
  return total;
}

const rows = {};
function row(name, end, secs, total, note = "") {
  if (SUMS[end] !== undefined && total !== SUMS[end]) throw new Error(`${name}: sum ${total}, expected ${SUMS[end]}`);
  const rate = (end - 1) / secs;
  rows[name] = rate;
  console.log(`${name.padEnd(40)} n < ${String(end).padEnd(9)} ${secs.toFixed(4).padStart(9)} s ${(rate / 1e6).toFixed(2).padStart(9)} M/s ${note}`);
  return rate;
}

console.log(`collatz-engine ${c.version()}, Node ${process.version}`);
execFileSync("cargo", ["build", "-q", "--release", "-p", "collatz-core", "--example", "collatz"], { cwd: root, stdio: "inherit" });
const cli = join(root, "target", "release", "examples", "collatz");
const sumOf = (cols) => cols.totalStoppingTime.reduce((a, b) => a + b, 0);
// the addon and the CLI alternate, so that both see the same machine; a fresh memo each time
// would need a fresh engine: the addon keeps one per process, so warm it first (the CLI
// builds its memo in every run, which is part of its time)
let addon1 = Infinity, addonAll = Infinity, addonSum = Infinity, cliBest = Infinity, total = 0;
const fields = { fields: ["totalStoppingTime", "stoppingTime", "maxExcursion"], threads: 1 };
// rounds of three runs of each: the addon's calls run back to back (as an application would
// call it), the CLI's in fresh processes; the best run of each counts
for (let round = 0; round < 3; round++) {
  let [s, summ] = await bestOf(3, () => c.summary(1, N, fields));
  addonSum = Math.min(addonSum, s);
  total = Number(summ.totalStoppingTime.sum);
  [s] = await bestOf(3, () => execFileSync(cli, ["range", "1", String(N), "--threads", "1", "--records", "--json"]));
  cliBest = Math.min(cliBest, s);
}
for (let round = 0; round < 3; round++) {
  let [s, cols] = await bestOf(3, () => c.columns(1, N, { threads: 1 }));
  addon1 = Math.min(addon1, s);
  if (sumOf(cols) !== total) throw new Error("summary and columns disagree");
  [s] = await bestOf(3, () => c.columns(1, N));
  addonAll = Math.min(addonAll, s);
}
row("addon summary, 1 thread", N, addonSum, total, "(the CLI's work: steps, glides, maxima, records)");
row("Rust CLI range --records, 1 thread", N, cliBest, total, "(process start included)");
row("addon columns (Uint16Array), 1 thread", N, addon1, total);
row("addon columns, all cores", N, addonAll, total);
let [secs, t] = await bestOf(3, () => memo(N));
row("JS loop with a Uint16Array memo", N, secs, t);
const plainN = Math.min(N, 1e6);
[secs, t] = await bestOf(1, () => plain(plainN));
row("plain JS loop (Number)", plainN, secs, t);

console.log();
console.log(`addon summary / CLI, both on 1 thread = ${(rows["addon summary, 1 thread"] / rows["Rust CLI range --records, 1 thread"]).toFixed(2)} (target >= 0.90)`);
console.log(`addon / JS memo loop = ${(rows["addon columns (Uint16Array), 1 thread"] / rows["JS loop with a Uint16Array memo"]).toFixed(1)}x on one thread, ${(rows["addon columns, all cores"] / rows["JS loop with a Uint16Array memo"]).toFixed(1)}x on all cores (target >= 20)`);
console.log(`addon / plain JS loop = ${(rows["addon columns (Uint16Array), 1 thread"] / rows["plain JS loop (Number)"]).toFixed(0)}x`);

// single calls: the addon's time per call minus Rust's for the same work
function perCall(n, loops) {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    let acc = 0;
    for (let i = 0; i < loops; i++) acc += c.totalStoppingTime(n);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / loops);
    if (acc < 0) console.log(acc);
  }
  return best;
}
const t1 = perCall(1, 1e6), t27 = perCall(27, 1e6);
execFileSync("cargo", ["bench", "-q", "-p", "collatz-benches", "--bench", "single", "--", "total_stopping_time/27$", "--warm-up-time", "1", "--measurement-time", "3"], { cwd: root, stdio: "ignore" });
const rust27 = JSON.parse(readFileSync(join(root, "target", "criterion", "total_stopping_time", "27", "new", "estimates.json"))).median.point_estimate;
console.log();
console.log(`totalStoppingTime(1): ${t1.toFixed(0)} ns per call (the call itself)`);
console.log(`totalStoppingTime(27): ${t27.toFixed(0)} ns; Rust criterion: ${rust27.toFixed(0)} ns; overhead ${Math.max(0, t27 - rust27).toFixed(0)} ns`);

// the event loop during a 5-second async range
let worst = 0, ticks = 0, last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  worst = Math.max(worst, now - last - 10);
  last = now;
  ticks++;
}, 10);
const t0 = performance.now();
let end = 1e10 + 1e8;

// size the range to a little over five seconds from a warm probe
for (let probe = 0; probe < 2; probe++) {
  const p0 = performance.now();
  await c.summaryAsync(1e10, 1e10 + 2e7, { fields: ["totalStoppingTime"] });
  const rate = 2e7 / ((performance.now() - p0) / 1000);
  end = 1e10 + Math.round(rate * 5.5);
}
last = performance.now();
worst = 0;
ticks = 0;
const t1a = performance.now();
await c.summaryAsync(1e10, end, { fields: ["totalStoppingTime"] });
const took = (performance.now() - t1a) / 1000;
clearInterval(timer);
console.log();
console.log(`async range of ${((end - 1e10) / 1e6).toFixed(0)}M start values: ${took.toFixed(2)} s; a 10 ms interval timer fired ${ticks} times, worst delay ${worst.toFixed(1)} ms (target < 50)`);
void t0;
