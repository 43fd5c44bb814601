// load/bench.mjs — autocannon against each main route of the dashboard service, one route at a
// time, 200 connections, cached answers (each URL is asked once before it is measured): prints
// req/s, p50 and p99 latency per route. The service runs as a child process (load/serve.mjs:
// buildApp with the default warm-up, the rate limit raised out of the way), so the load
// generator and the server do not share an event loop.
//
//   node load/bench.mjs                      # 10 s per route, 200 connections
//   BENCH_SECONDS=20 CONNECTIONS=200 node load/bench.mjs
//   REDIS_URL=redis://127.0.0.1:6379 node load/bench.mjs
//
// Exits 1 when a route answers anything but 2xx, on a connection error, or at the deadline.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const AUTOCANNON_VERSION = JSON.parse(readFileSync(new URL("../node_modules/autocannon/package.json", import.meta.url), "utf8")).version;

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 200);
/** A request unanswered after this many seconds counts as a timeout (autocannon's default is 10). */
const TIMEOUT_S = 30;

/** @type {Array<[string, string, Record<string, string>?]>} [name, path, extra headers] of the routes measured. */
const ROUTES = [
  ["GET /api/stats/27", "/api/stats/27"],
  ["GET /api/stats/2^500+1", `/api/stats/${encodeURIComponent("2^500+1")}`],
  ["GET /api/trajectory/27", "/api/trajectory/27"],
  ["GET /api/summary [1,10^6)", "/api/summary?start=1&end=1000000"],
  ["GET /api/summary [1,10^6) histogram", "/api/summary?start=1&end=1000000&histogram=true"],
  ["GET /api/density [1,10^6) 512x256", "/api/density?start=1&end=1000000&width=512&height=256&field=total_stopping_time"],
  ["GET /api/density [1,10^6) 512x256 binary", "/api/density?start=1&end=1000000&width=512&height=256&field=total_stopping_time", { accept: "application/octet-stream" }],
  ["GET /api/columns [1,10^4)", "/api/columns?start=1&end=10001"],
  ["GET /healthz", "/healthz"],
];

// Deadline: every route, plus start-up and warm-up.
const deadlineMs = (ROUTES.length * (seconds + 35) + 120) * 1000;
/** @type {import("node:child_process").ChildProcess | null} */
let server = null;
const deadline = setTimeout(() => {
  console.error(`bench: deadline of ${Math.round(deadlineMs / 1000)} s passed`);
  server?.kill("SIGKILL");
  process.exit(1);
}, deadlineMs);
deadline.unref();
process.on("exit", () => server?.kill("SIGKILL"));
for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(sig, () => process.exit(1));
}

server = spawn(process.execPath, [fileURLToPath(new URL("./serve.mjs", import.meta.url))], {
  env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise((resolve, reject) => {
  let text = "";
  server.stdout.on("data", (d) => {
    text += d;
    const m = /ready (\d+)/.exec(text);
    if (m) resolve(Number(m[1]));
  });
  server.once("exit", (code) => reject(new Error(`the service exited with ${code} before it was ready`)));
});
const base = `http://127.0.0.1:${port}`;
const headers = { "accept-encoding": "gzip" };

console.log(`autocannon ${AUTOCANNON_VERSION}: ${connections} connections, ${seconds} s per route, against ${base} (Node ${process.version})`);
/** @type {Array<{ name: string, rps: number, p50: number, p99: number, bytes: number, non2xx: number, errors: number, timeouts: number }>} */
const rows = [];
for (const [name, path, extra] of ROUTES) {
  const h = { ...headers, ...extra };
  const first = await fetch(base + path, { headers: h });
  await first.arrayBuffer();
  if (!first.ok) throw new Error(`${name}: ${first.status} before the benchmark`);
  const result = await autocannon({ url: base + path, connections, duration: seconds, headers: h, timeout: TIMEOUT_S });
  rows.push({
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bytes: result.throughput.average,
    non2xx: result.non2xx,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
  });
  console.log(`  ${name}: ${Math.round(result.requests.average)} req/s`);
}

const w = Math.max(...rows.map((r) => r.name.length));
console.log();
console.log(`${"route".padEnd(w)}  ${"req/s".padStart(8)}  ${"p50 ms".padStart(7)}  ${"p99 ms".padStart(7)}  ${"MB/s".padStart(7)}  ${"non-2xx".padStart(7)}  ${"errors".padStart(6)}  ${"timeouts".padStart(8)}`);
console.log("-".repeat(w + 60));
for (const r of rows) {
  console.log(`${r.name.padEnd(w)}  ${r.rps.toFixed(0).padStart(8)}  ${String(r.p50).padStart(7)}  ${String(r.p99).padStart(7)}  ${(r.bytes / 1e6).toFixed(1).padStart(7)}  ${String(r.non2xx).padStart(7)}  ${String(r.errors).padStart(6)}  ${String(r.timeouts).padStart(8)}`);
}
// A timeout (no answer in TIMEOUT_S at full load) is a figure, not a broken route: it is shown,
// and the run fails only on non-2xx answers and connection errors.
const bad = rows.filter((r) => r.non2xx > 0 || r.errors > 0);
for (const r of rows.filter((x) => x.timeouts > 0)) {
  console.log(`note: ${r.name}: ${r.timeouts} requests had no answer within ${TIMEOUT_S} s at ${connections} connections`);
}

server.kill("SIGTERM");
await Promise.race([once(server, "exit"), new Promise((r) => setTimeout(r, 5000))]);
server = null;
if (bad.length > 0) {
  console.error(`bench: ${bad.map((r) => r.name).join(", ")} answered non-2xx or failed`);
  process.exit(1);
}
