// load/serve.mjs — the service as load/bench.mjs measures it: server/app.js's buildApp on PORT
// (HOST 127.0.0.1), REDIS_URL when set, the default warm-up, and the per-IP rate limit raised
// out of the way (every benchmark connection comes from 127.0.0.1, and 60,000 a minute would
// turn the benchmark into a count of 429s). The limiter still runs on every request. Prints
// "ready <port>" once the warm-up is done; exits on SIGTERM.
import "../server/env.js";
import { buildApp } from "../server/app.js";

const app = await buildApp({
  redisUrl: process.env.REDIS_URL || undefined,
  logger: false,
  rateLimit: { max: 1_000_000_000, timeWindow: 60_000 },
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? "127.0.0.1" });
await app.warmed();
const { port } = /** @type {import("node:net").AddressInfo} */ (app.server.address());
process.stdout.write(`ready ${port}\n`);

const stop = () => {
  setTimeout(() => process.exit(1), 4500).unref();
  app.close().then(() => process.exit(0), () => process.exit(1));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
