// load/soak.mjs — the soak test: the service in this process (buildApp on 127.0.0.1:0, no Redis,
// no warm-up list), a warm-up of every kind of traffic, then a baseline of the heap
// (global.gc(), process.memoryUsage().heapUsed) and of the active handles
// (process.getActiveResourcesInfo()); then 2,000 WebSocket connect/disconnect cycles (the `ws`
// client; half on a finished job, which sends its final state and closes, half on a running
// job, closed by the client after the first progress message) and 10,000 HTTP requests of mixed
// routes, 50 at a time; then gc and the same measures, which must come back to within 10% of the
// baseline. A small absolute slack is allowed for noise: 2 MiB of heap and 2 handles (a
// figure passes when it is within 10% OR within the slack). Less than the baseline passes.
//
//   node --expose-gc load/soak.mjs     (without --expose-gc it runs itself again with it)
//
// Deadline 170 s. Exits 1 on a failed check, an error or the deadline; prints the figures.
import { spawnSync } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";

if (typeof globalThis.gc !== "function") {
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
const gc = /** @type {() => void} */ (globalThis.gc);

const WS_CYCLES = Number(process.env.SOAK_WS_CYCLES ?? 2000);
const HTTP_REQUESTS = Number(process.env.SOAK_REQUESTS ?? 10_000);
const CONCURRENCY = 50;
const TOLERANCE = 0.10;
const HEAP_SLACK = 2 * 2 ** 20;
const HANDLE_SLACK = 2;
const DEADLINE_MS = 170_000;

const began = performance.now();
const deadline = setTimeout(() => {
  console.error(`soak: deadline of ${DEADLINE_MS / 1000} s passed`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();

const { buildApp } = await import("../server/app.js");
const app = await buildApp({ warm: [], logger: false });
await app.listen({ port: 0, host: "127.0.0.1" });
const port = /** @type {import("node:net").AddressInfo} */ (app.server.address()).port;
const base = `http://127.0.0.1:${port}`;

/** @type {http.Agent} */
let agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * One request; resolves with the status and (when asked) the body text.
 * @param {string} method
 * @param {string} path
 * @param {{ body?: object, headers?: Record<string, string>, text?: boolean }} [opts]
 * @returns {Promise<{ status: number, text: string }>}
 */
function request(method, path, opts = {}) {
  return new Promise((resolve, reject) => {
    const body = opts.body ? JSON.stringify(opts.body) : undefined;
    const req = http.request(`${base}${path}`, {
      method,
      agent,
      headers: { ...(body ? { "content-type": "application/json" } : {}), ...opts.headers },
      timeout: 30_000,
    }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on("data", (c) => { if (opts.text) chunks.push(c); });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

const SUMMARIES = ["start=1&end=100000", "start=1&end=100000&histogram=true", "start=1&end=1000000", "start=500000&end=600000"];
const DENSITY = [
  "start=1&end=1000000&width=512&height=256&field=total_stopping_time",
  "start=1&end=100000&width=256&height=128&field=stopping_time",
];

/** A random decimal of `digits` digits. */
function decimal(digits) {
  let s = String(1 + Math.floor(Math.random() * 9));
  while (s.length < digits) s += String(Math.floor(Math.random() * 10));
  return s;
}

let doneJobId = "";
/**
 * The i-th request of the mix: [method, path, expected status, options].
 * @param {number} i
 * @returns {[string, string, number, { body?: object, headers?: Record<string, string> }?]}
 */
function mixed(i) {
  const gzip = { headers: { "accept-encoding": "gzip" } };
  switch (i % 12) {
    case 0: return ["GET", `/api/stats/${Math.floor(Math.random() * 1e9) + 1}`, 200];
    case 1: return ["GET", `/api/stats/${decimal(100 + (i % 400))}`, 200, gzip];
    case 2: return ["GET", `/api/stats/${encodeURIComponent(`2^${64 + (i % 900)}+1`)}`, 200];
    case 3: return ["GET", `/api/trajectory/${encodeURIComponent(`2^${100 + (i % 200)}+1`)}?limit=200`, 200, gzip];
    case 4: return ["GET", "/api/trajectory/27?limit=50&cursor=50:1186", 200];
    case 5: return ["GET", `/api/summary?${SUMMARIES[i % SUMMARIES.length]}`, 200, gzip];
    case 6: return ["GET", `/api/density?${DENSITY[i % DENSITY.length]}`, 200, i % 24 === 6 ? gzip : { headers: { accept: "application/octet-stream" } }];
    case 7: return ["GET", "/api/columns?start=1&end=2001&fields=total_stopping_time,max_excursion", 200, gzip];
    case 8: return ["GET", `/api/jobs/${doneJobId}`, 200];
    case 9: return ["GET", "/metrics", 200];
    case 10: return ["GET", "/api/stats/0", 400];
    default: return ["GET", "/api/jobs/no-such-job", 404];
  }
}

/**
 * `count` requests of the mix, CONCURRENCY at a time; throws on an unexpected status.
 * @param {number} count
 */
async function httpLoad(count) {
  let next = 0;
  /** @type {Map<string, number>} */
  const bad = new Map();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const [method, path, want, opts] = mixed(i);
      const { status } = await request(method, path, opts);
      if (status !== want) {
        const k = `${method} ${path.slice(0, 60)} -> ${status} (wanted ${want})`;
        bad.set(k, (bad.get(k) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (bad.size > 0) {
    for (const [k, n] of bad) console.error(`  ${n} x ${k}`);
    throw new Error(`${[...bad.values()].reduce((a, b) => a + b, 0)} unexpected statuses`);
  }
}

/**
 * One WebSocket cycle on a job's events: connect, then wait for the server's close (a finished
 * job) or close after the first message (a running job).
 * @param {string} id
 * @param {boolean} closeFirst
 */
function wsCycle(id, closeFirst) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/jobs/${id}/events`);
    const timer = setTimeout(() => { ws.terminate(); reject(new Error("a WebSocket cycle took over 10 s")); }, 10_000);
    let messages = 0;
    ws.on("message", () => {
      messages += 1;
      if (closeFirst && messages === 1) ws.close(1000);
    });
    ws.on("close", () => {
      clearTimeout(timer);
      if (messages === 0) reject(new Error(`job ${id}: the socket closed before any message`));
      else resolve(messages);
    });
    ws.on("error", (err) => { clearTimeout(timer); reject(err); });
  });
}

/**
 * `count` cycles, 10 at a time, alternating the finished and the running job.
 * @param {number} count
 * @param {string} finishedId
 * @param {string} runningId
 */
async function wsLoad(count, finishedId, runningId) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await wsCycle(i % 2 === 0 ? finishedId : runningId, i % 2 === 1);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

/** Starts a job; resolves with its id. */
async function startJob(kind, start, end) {
  const { status, text } = await request("POST", "/api/jobs", { body: { kind, start, end }, text: true });
  if (status !== 202) throw new Error(`POST /api/jobs ${kind} [${start}, ${end}): ${status} ${text}`);
  return JSON.parse(text).id;
}

/** Waits until the job is in one of `states`; returns its JSON. */
async function waitJob(id, states, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const { text } = await request("GET", `/api/jobs/${id}`, { text: true });
    const job = JSON.parse(text);
    if (states.includes(job.state)) return job;
    await sleep(20);
  }
  throw new Error(`job ${id} not ${states.join("/")} within ${ms} ms`);
}

/** A long verify job, running, for the WebSocket cycles; cancelled by the caller. */
async function runningJob() {
  const id = await startJob("verify", "2^50", "2^50+2^40");
  await waitJob(id, ["running"], 10_000);
  return id;
}

/** Closes the client's keep-alive sockets and waits for the server to see them go. */
async function quiesce() {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await sleep(300);
  for (let i = 0; i < 100 && app.metrics && (await openWebSockets()) > 0; i++) await sleep(50);
  await sleep(200);
}

async function openWebSockets() {
  const text = await app.metrics.registry.getSingleMetricAsString("collatz_dashboard_websockets_open");
  const m = /^collatz_dashboard_websockets_open (\S+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Heap after full collections, and the active handles by kind. */
async function measure() {
  for (let i = 0; i < 6; i++) {
    gc();
    await sleep(50);
  }
  const resources = process.getActiveResourcesInfo();
  /** @type {Record<string, number>} */
  const byKind = {};
  for (const r of resources) byKind[r] = (byKind[r] ?? 0) + 1;
  return { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss, handles: resources.length, byKind };
}

const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
let failed = false;
try {
  // Warm-up: every code path once or more, so lazy state (caches, compiled code, pools) exists.
  doneJobId = await startJob("summary", "1", "100000");
  await waitJob(doneJobId, ["done"], 30_000);
  let running = await runningJob();
  await wsLoad(100, doneJobId, running);
  await request("DELETE", `/api/jobs/${running}`);
  await waitJob(running, ["cancelled"], 5000);
  await httpLoad(1000);
  await quiesce();
  const baseline = await measure();
  const warmS = ((performance.now() - began) / 1000).toFixed(1);
  console.log(`baseline after a warm-up (${warmS} s): heap ${mib(baseline.heap)}, ${baseline.handles} active handles ${JSON.stringify(baseline.byKind)}, rss ${mib(baseline.rss)}`);

  const t0 = performance.now();
  running = await runningJob();
  await wsLoad(WS_CYCLES, doneJobId, running);
  const wsS = (performance.now() - t0) / 1000;
  await request("DELETE", `/api/jobs/${running}`);
  await waitJob(running, ["cancelled"], 5000);
  console.log(`${WS_CYCLES} WebSocket connect/disconnect cycles in ${wsS.toFixed(1)} s`);

  const t1 = performance.now();
  await httpLoad(HTTP_REQUESTS);
  const httpS = (performance.now() - t1) / 1000;
  const peak = process.memoryUsage();
  console.log(`${HTTP_REQUESTS} HTTP requests (${CONCURRENCY} at a time, 12 kinds) in ${httpS.toFixed(1)} s (${Math.round(HTTP_REQUESTS / httpS)} req/s); heap before gc ${mib(peak.heapUsed)}`);

  await quiesce();
  const after = await measure();
  const ws = await openWebSockets();
  console.log(`after: heap ${mib(after.heap)}, ${after.handles} active handles ${JSON.stringify(after.byKind)}, rss ${mib(after.rss)}, open WebSockets ${ws}`);

  const heapOk = after.heap <= baseline.heap * (1 + TOLERANCE) || after.heap - baseline.heap <= HEAP_SLACK;
  const handlesOk = after.handles <= baseline.handles * (1 + TOLERANCE) || after.handles - baseline.handles <= HANDLE_SLACK;
  const pct = (a, b) => `${a >= b ? "+" : ""}${((a / b - 1) * 100).toFixed(1)}%`;
  console.log();
  console.log("figure          baseline       after          change     result");
  console.log("----------------------------------------------------------------");
  console.log(`heap used       ${mib(baseline.heap).padEnd(14)} ${mib(after.heap).padEnd(14)} ${pct(after.heap, baseline.heap).padEnd(10)} ${heapOk ? "PASS" : "FAIL"}`);
  console.log(`active handles  ${String(baseline.handles).padEnd(14)} ${String(after.handles).padEnd(14)} ${pct(after.handles, baseline.handles).padEnd(10)} ${handlesOk ? "PASS" : "FAIL"}`);
  console.log(`open WebSockets ${"0".padEnd(14)} ${String(ws).padEnd(14)} ${"".padEnd(10)} ${ws === 0 ? "PASS" : "FAIL"}`);
  console.log(`(within ${TOLERANCE * 100}% of the baseline, or within ${mib(HEAP_SLACK)} / ${HANDLE_SLACK} handles of it; total ${((performance.now() - began) / 1000).toFixed(1)} s)`);
  failed = !heapOk || !handlesOk || ws !== 0;
} catch (err) {
  console.error(`soak: ${/** @type {Error} */ (err).stack ?? err}`);
  failed = true;
} finally {
  agent.destroy();
  await Promise.race([app.close(), sleep(5000)]);
}
console.log(failed ? "soak: FAIL" : "soak: PASS");
process.exit(failed ? 1 : 0);
