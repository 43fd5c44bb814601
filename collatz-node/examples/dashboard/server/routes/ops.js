// routes/ops.js — the operator's routes: GET /healthz (the process answers), GET /readyz
// ({"redis": "up" | "down" | "off"}), GET /metrics (Prometheus text) and GET /docs/json (the
// OpenAPI document generated from the route schemas). None is rate limited or shed under load.
/**
 * Route options that keep a route out of the rate limit and the overload shedding.
 * @type {{ rateLimit: false, pressureHandler: () => void }}
 */
const alwaysServe = { rateLimit: false, pressureHandler: () => {} };

/**
 * @param {import("fastify").FastifyInstance} app
 * @param {{ metrics: import("../metrics.js").Metrics, redis: import("../redis.js").RedisLink | null }} options
 */
export default async function opsRoutes(app, { metrics, redis }) {
  app.get("/healthz", {
    config: alwaysServe,
    schema: {
      summary: "Liveness: the process answers",
      response: { 200: { type: "object", properties: { status: { type: "string", enum: ["ok"] } } } },
    },
  }, async () => ({ status: "ok" }));

  app.get("/readyz", {
    config: alwaysServe,
    schema: {
      summary: "Readiness and the Redis link: up, down (requests are still served) or off (no REDIS_URL)",
      response: { 200: { type: "object", properties: { redis: { type: "string", enum: ["up", "down", "off"] } } } },
    },
  }, async () => ({ redis: redis ? redis.state : "off" }));

  app.get("/metrics", {
    config: alwaysServe,
    schema: { summary: "Prometheus metrics (text exposition format)" },
  }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get("/docs/json", {
    config: alwaysServe,
    schema: { hide: true },
  }, async () => app.swagger());
}
