// shutdown.test.js — `node server/main.js` as a process: it serves on PORT, and on SIGTERM it
// stops accepting, cancels running jobs, closes WebSockets and exits with 0 within 5 s.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import WebSocket from "ws";
import { freePort, until } from "./helpers/services.js";

const MAIN = fileURLToPath(new URL("../../server/main.js", import.meta.url));

test("SIGTERM with a job running and a WebSocket open: exit 0 within 5 s", { timeout: 60_000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", REDIS_URL: "", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  try {
    const base = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)), 20_000, "the server to listen");
    const { id } = await (await fetch(`${base}/api/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "verify", start: "1", end: "1e10" }),
    })).json();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/jobs/${id}/events`);
    /** @type {any[]} */
    const got = [];
    ws.on("message", (raw) => got.push(JSON.parse(raw.toString())));
    ws.on("error", () => {});
    const wsClosed = new Promise((resolve) => ws.on("close", resolve));
    await until(() => got.length > 0, 5_000, "the first progress message");

    const t0 = performance.now();
    child.kill("SIGTERM");
    const result = await exited;
    const took = performance.now() - t0;
    assert.deepEqual(result, { code: 0, signal: null }, output);
    assert.ok(took < 5000, `exit took ${took} ms`);
    await wsClosed;
    assert.equal(got.at(-1).state, "cancelled");
    await assert.rejects(fetch(`${base}/healthz`));
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
