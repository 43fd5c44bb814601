// main.js — the service's entry point: reads PORT (8080), HOST (127.0.0.1), REDIS_URL,
// LOG_LEVEL (info) and LOG_REQUESTS (1: a log line per request),
// serves the API and the built page (../dist), and shuts down gracefully on SIGTERM or SIGINT
// (stops accepting, cancels jobs, closes WebSockets and Redis, exits within 5 s).
import "./env.js";
import { fileURLToPath } from "node:url";
import { buildApp } from "./app.js";

const dist = fileURLToPath(new URL("../dist", import.meta.url));
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";

const app = await buildApp({
  redisUrl: process.env.REDIS_URL || undefined,
  staticDir: dist,
  logger: { level: process.env.LOG_LEVEL ?? "info" },
  logRequests: process.env.LOG_REQUESTS === "1",
});

let stopping = false;
/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, "shutting down");
  const deadline = setTimeout(() => {
    app.log.error("shutdown took over 4.5 s; exiting anyway");
    process.exit(1);
  }, 4500);
  deadline.unref();
  app.close().then(
    () => {
      clearTimeout(deadline);
      process.exit(0);
    },
    (err) => {
      app.log.error({ err }, "error while shutting down");
      process.exit(1);
    },
  );
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

try {
  await app.listen({ port, host });
} catch (err) {
  app.log.error({ err }, "cannot listen");
  process.exit(1);
}
