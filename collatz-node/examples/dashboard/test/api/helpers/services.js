// helpers/services.js — what the API tests start: a real redis-server on a free loopback port
// (no persistence; killed and restarted on the same port on demand), dashboard apps built with
// test-sized options, and a path to the CLI for byte-for-byte comparisons.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { buildApp } from "../../../server/app.js";

export const REDIS_SERVER = "/usr/bin/redis-server";

/** The release CLI, when it has been built (CI builds it). */
export const CLI = fileURLToPath(new URL("../../../../../../target/release/collatz", import.meta.url));
export const HAS_CLI = existsSync(CLI);

/** @returns {Promise<number>} a loopback port free a moment ago */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves when something on the port answers PING with PONG; rejects after `ms`.
 * @param {number} port
 * @param {number} ms
 */
async function waitForPong(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, "127.0.0.1");
      sock.setTimeout(200);
      sock.on("connect", () => sock.write("PING\r\n"));
      sock.on("data", (d) => { sock.destroy(); resolve(d.toString().startsWith("+PONG")); });
      sock.on("error", () => resolve(false));
      sock.on("timeout", () => { sock.destroy(); resolve(false); });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis on port ${port} did not answer within ${ms} ms`);
}

/**
 * A redis-server of its own on a free loopback port.
 * @returns {Promise<{ port: number, url: string, kill: () => Promise<void>, restart: () => Promise<void>, stop: () => Promise<void> }>}
 */
export async function startRedis() {
  const port = await freePort();
  /** @type {import("node:child_process").ChildProcess | null} */
  let proc = null;
  const launch = async () => {
    proc = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitForPong(port, 5000);
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise((resolve) => {
      p.once("exit", resolve);
      p.kill("SIGKILL");
    });
  };
  await launch();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: launch, stop: kill };
}

/**
 * A dashboard app with test-sized defaults (no warm-up, no logger); close it after.
 * @param {import("../../../server/app.js").AppOptions} [options]
 */
export function makeApp(options = {}) {
  return buildApp({ warm: [], logger: false, ...options });
}

/**
 * Polls `check` every 25 ms until it returns true; rejects after `ms`.
 * @param {() => Promise<boolean> | boolean} check
 * @param {number} ms
 * @param {string} what
 */
export async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/**
 * The value of one sample of the Prometheus text, or 0 when absent.
 * @param {string} text
 * @param {string} name
 * @param {Record<string, string>} [labels]
 */
export function sample(text, name, labels = {}) {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[4]);
  }
  return total;
}
