// routes/stats.js — GET /api/stats/:n: every statistic of one start value, exactly the JSON
// text of the CLI's `collatz stats N --json` (the addon's statsJsonAsync, off the event loop),
// for n of any size up to the service's bit limit.
import collatz from "collatz-engine";
import { fromAddon } from "../errors.js";
import { parseBounded } from "../numbers.js";
import { errorResponses, numberText } from "../schemas.js";

/**
 * @param {import("fastify").FastifyInstance} app
 * @param {{ limits: { maxInputBits: number } }} options
 */
export default async function statsRoutes(app, { limits }) {
  app.get("/api/stats/:n", {
    schema: {
      summary: "Statistics of one start value (the CLI's `stats N --json`)",
      params: {
        type: "object",
        required: ["n"],
        additionalProperties: false,
        properties: { n: { ...numberText, maxLength: 20_000 } },
      },
      response: {
        200: {
          description: "the CLI's JSON: n and max are decimal strings",
          type: "object",
          properties: {
            n: { type: "string" },
            total_stopping_time: { type: "integer" },
            stopping_time: { type: "integer" },
            stopping_time_shortcut: { type: "integer" },
            odd_steps: { type: "integer" },
            even_steps: { type: "integer" },
            shortcut_steps: { type: "integer" },
            max: { type: "string" },
            max_bits: { type: "integer" },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const n = parseBounded(/** @type {{ n: string }} */ (request.params).n, "n", limits.maxInputBits);
    reply.type("application/json; charset=utf-8");
    try {
      return await collatz.statsJsonAsync(n);
    } catch (err) {
      throw fromAddon(err, "n");
    }
  });
}
