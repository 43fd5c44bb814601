// Latency of short calls while a long one runs on the same engine (a benchmark, not a test).
//
//   node bench/latency.mjs [--end 3e9] [--short 1e5] [--lo 1e6] [--hi 1e9] [--pause 20]
//                          [--threads N] [--warm 2e8] [--seed 1]
//
// 1. warms the engine (summary(1, --warm) fills the memo up to its cap, as any long call
//    from 1 would), so that every measured call finds the same memo;
// 2. runs summaryAsync(1, --end) alone;
// 3. runs it again while another async loop issues summaryAsync(s, s + --short) one after
//    another, s random in [--lo, --hi), with a pause of --pause ms between them (a dashboard's
//    requests come and go; 0 for back to back), and records each short call's latency;
// 4. runs the long call alone once more.
// It prints the short calls' p50 / p90 / p99 / max (and the same short calls alone), and the
// long call's wall time alone (mean of 2 and 4) against beside the short calls.
//
// Async calls run on libuv's thread pool: 4 threads unless UV_THREADPOOL_SIZE says otherwise
// (set it before starting node). Each call then runs its range on the core's rayon threads
// (`threads`, default one per core).
import { parseArgs } from "node:util";
import os from "node:os";
import * as c from "../index.mjs";
import { rng } from "../__test__/helpers.mjs";

const { values } = parseArgs({
  options: {
    end: { type: "string", default: "3e9" },
    short: { type: "string", default: "1e5" },
    lo: { type: "string", default: "1e6" },
    hi: { type: "string", default: "1e9" },
    threads: { type: "string" },
    pause: { type: "string", default: "20" },
    warm: { type: "string", default: "2e8" },
    seed: { type: "string", default: "1" },
  },
});
const num = (k) => Number(values[k]);
const [end, short, lo, hi, pause, seed] = ["end", "short", "lo", "hi", "pause", "seed"].map(num);
const warm = Math.min(num("warm"), end);
const threads = values.threads === undefined ? {} : { threads: num("threads") };
const next = rng(seed);
const randomStart = () => lo + Math.floor(next() * (hi - lo));

const ms = (t) => `${t.toFixed(1)} ms`;
const s = (t) => `${(t / 1000).toFixed(2)} s`;
function percentiles(xs) {
  const v = [...xs].sort((a, b) => a - b);
  const at = (p) => v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
  return `p50 ${ms(at(50))}, p90 ${ms(at(90))}, p99 ${ms(at(99))}, max ${ms(v.at(-1))} (${v.length} calls)`;
}

async function timed(f) {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

/** Short summaries one after another until `stop()` says so; their latencies. */
async function shortCalls(stop, count = Infinity) {
  const lat = [];
  while (!stop() && lat.length < count) {
    const a = randomStart();
    lat.push(await timed(() => c.summaryAsync(a, a + short, threads)));
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  return lat;
}

console.log(`collatz-engine ${c.version()}, node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})`);
console.log(`libuv pool: ${process.env.UV_THREADPOOL_SIZE ?? "4 (default)"} threads; rayon: ${values.threads ?? "one per core"}; ${pause} ms between short calls`);

console.log(`warm-up: summary(1, ${warm.toExponential()}) ...`);
console.log(`  ${s(await timed(() => c.summaryAsync(1, warm, threads)))}`);
const aloneShort = await shortCalls(() => false, 50);
console.log(`short summaries of ${short.toExponential()} numbers alone: ${percentiles(aloneShort)}`);

const long = () => c.summaryAsync(1, end, threads);
const first = await timed(long);
console.log(`summaryAsync(1, ${end.toExponential()}) alone: ${s(first)}`);

let done = false;
const [shared, beside] = await Promise.all([
  timed(long).finally(() => (done = true)),
  shortCalls(() => done),
]);
console.log(`summaryAsync(1, ${end.toExponential()}) beside the short calls: ${s(shared)}`);

const second = await timed(long);
console.log(`summaryAsync(1, ${end.toExponential()}) alone again: ${s(second)}`);

const aloneMean = (first + second) / 2;
console.log("");
console.log(`short summaries of ${short.toExponential()} numbers beside the long call: ${percentiles(beside)}`);
console.log(`long call: alone ${s(aloneMean)} (mean of ${s(first)} and ${s(second)}), beside ${s(shared)}: slowdown ${(shared / aloneMean).toFixed(3)}x`);
