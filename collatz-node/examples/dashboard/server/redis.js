// redis.js — the link to Redis (the `redis` client) for the second cache level: it connects in
// the background and reconnects by itself (reconnectStrategy), fails commands at once while
// disconnected (no offline queue) or after a short timeout, reads values as Buffers, and says
// whether it is up; a request never waits for Redis to come back.
import { createClient, RESP_TYPES } from "redis";

/**
 * @typedef {object} RedisLinkOptions
 * @property {string} url
 * @property {number} [commandTimeoutMs] a command not answered by then fails (default 250)
 * @property {number} [maxReconnectDelayMs] the longest wait between reconnect attempts (default 1000)
 * @property {import("fastify").FastifyBaseLogger} log
 */

export class RedisLink {
  /** @param {RedisLinkOptions} options */
  constructor({ url, commandTimeoutMs = 250, maxReconnectDelayMs = 1000, log }) {
    this.log = log;
    this.wasUp = false;
    this.closed = false;
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 1000,
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, maxReconnectDelayMs),
      },
      commandOptions: { timeout: commandTimeoutMs },
    }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    // Every failed reconnect emits "error"; log the transitions only.
    this.client.on("error", (err) => {
      if (this.wasUp) {
        this.wasUp = false;
        this.log.warn({ err: err.message }, "redis down; serving from L1 or computing, reconnecting");
      }
    });
    this.client.on("ready", () => {
      this.wasUp = true;
      this.log.info("redis up");
    });
  }

  /**
   * Starts connecting; resolves when connected or after `waitMs`, whichever is first, and
   * never rejects (the client keeps trying in the background).
   * @param {number} waitMs
   */
  async start(waitMs) {
    const connecting = this.client.connect().then(
      () => {},
      (err) => {
        if (!this.closed) this.log.warn({ err: err.message }, "redis connect failed");
      },
    );
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    await Promise.race([connecting, new Promise((resolve) => { timer = setTimeout(resolve, waitMs); })]);
    clearTimeout(timer);
  }

  /** @returns {"up" | "down"} */
  get state() {
    return this.client.isReady ? "up" : "down";
  }

  /**
   * @param {string} key
   * @returns {Promise<Buffer | null>}
   */
  async get(key) {
    return /** @type {Buffer | null} */ (await this.client.get(key));
  }

  /**
   * @param {string} key
   * @param {Buffer} value
   * @param {number} ttlSeconds
   */
  async set(key, value, ttlSeconds) {
    await this.client.set(key, value, { expiration: { type: "EX", value: ttlSeconds } });
  }

  /** Closes the connection, or stops reconnecting. */
  async close() {
    this.closed = true;
    if (this.client.isOpen) {
      try {
        await this.client.close();
        return;
      } catch {
        // Not connected: drop it below.
      }
    }
    try {
      this.client.destroy();
    } catch {
      // Already closed.
    }
  }
}
