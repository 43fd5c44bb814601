// websocket.test.js — the job events over a real socket (the `ws` client): {done, total} at most
// 10 times a second, then the final state object, then a normal close; an unknown job is a 404
// before the upgrade; the open-WebSocket gauge goes up and back down.
import assert from "node:assert/strict";
import { test } from "node:test";
import WebSocket from "ws";
import { makeApp, until } from "./helpers/services.js";

/**
 * Every message of a job's event socket until it closes.
 * @param {string} url
 * @returns {Promise<{ messages: Array<{ at: number, data: any }>, code: number }>}
 */
function collect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    /** @type {Array<{ at: number, data: any }>} */
    const messages = [];
    ws.on("message", (raw) => messages.push({ at: performance.now(), data: JSON.parse(raw.toString()) }));
    ws.on("close", (code) => resolve({ messages, code }));
    ws.on("error", reject);
  });
}

test("progress at most 10/s, then the final state, then close", { timeout: 60_000 }, async () => {
  const app = await makeApp();
  await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    const base = `127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (app.server.address()).port}`;
    const res = await fetch(`http://${base}/api/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "verify", start: "2^40", end: "2^40+2^32" }),
    });
    assert.equal(res.status, 202);
    const { id } = await res.json();
    const { messages, code } = await collect(`ws://${base}/api/jobs/${id}/events`);
    assert.equal(code, 1000);
    assert.ok(messages.length >= 2, `${messages.length} messages`);
    const final = messages.at(-1)?.data;
    assert.equal(final.id, id);
    assert.equal(final.state, "done");
    assert.equal(String(final.result.verified), String(2 ** 32));
    const progress = messages.slice(0, -1);
    for (const m of progress) assert.deepEqual(Object.keys(m.data).sort(), ["done", "total"]);
    for (let i = 1; i < progress.length; i++) {
      const gap = progress[i].at - progress[i - 1].at;
      assert.ok(gap >= 90, `progress messages ${gap.toFixed(1)} ms apart`);
      assert.ok(progress[i].data.done >= progress[i - 1].data.done);
    }
    // A finished job's socket gives the final state at once.
    const late = await collect(`ws://${base}/api/jobs/${id}/events`);
    assert.equal(late.messages.length, 1);
    assert.equal(late.messages[0].data.state, "done");
  } finally {
    await app.close();
  }
});

test("a cancelled job's socket gets the cancelled state; unknown jobs are 404; the gauge follows", { timeout: 60_000 }, async () => {
  const app = await makeApp();
  await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    const base = `127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (app.server.address()).port}`;
    const { id } = await (await fetch(`http://${base}/api/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "verify", start: "1", end: "1e10" }),
    })).json();
    const ws = new WebSocket(`ws://${base}/api/jobs/${id}/events`);
    /** @type {any[]} */
    const got = [];
    ws.on("message", (raw) => got.push(JSON.parse(raw.toString())));
    const closed = new Promise((resolve) => ws.on("close", resolve));
    await until(() => got.length > 0, 5_000, "a first progress message");
    const gauge = async () => (await app.inject("/metrics")).body.match(/collatz_dashboard_websockets_open (\d+)/)?.[1];
    assert.equal(await gauge(), "1");
    await fetch(`http://${base}/api/jobs/${id}`, { method: "DELETE" });
    assert.equal(await closed, 1000);
    assert.equal(got.at(-1).state, "cancelled");
    await until(async () => (await gauge()) === "0", 2_000, "the gauge back to 0");

    const status = await new Promise((resolve, reject) => {
      const bad = new WebSocket(`ws://${base}/api/jobs/nope/events`);
      bad.on("unexpected-response", (_req, res) => { resolve(res.statusCode); bad.terminate(); });
      bad.on("open", () => reject(new Error("opened")));
      bad.on("error", () => {});
    });
    assert.equal(status, 404);
  } finally {
    await app.close();
  }
});
