// routes/trajectory.js — GET /api/trajectory/:n?cursor=C&limit=L: a page of n's trajectory
// under C as decimal strings. The cursor is "index:value" (the index and the value of the next
// value to send), so a page costs O(its length) and the server keeps no state; a page also
// stops at a budget of decimal digits, so pages of huge values stay small and quick.
import collatz from "collatz-engine";
import { HttpError } from "../errors.js";
import { parseBounded } from "../numbers.js";
import { errorResponses, numberText } from "../schemas.js";

const CURSOR = /^(0|[1-9][0-9]{0,15}):([1-9][0-9]*)$/;

/**
 * @param {import("fastify").FastifyInstance} app
 * @param {{ limits: { maxInputBits: number, trajectoryDefaultLimit: number, trajectoryMaxLimit: number, trajectoryMaxDigits: number } }} options
 */
export default async function trajectoryRoutes(app, { limits }) {
  app.get("/api/trajectory/:n", {
    schema: {
      summary: "A page of the trajectory of n (decimal strings), with a cursor to the next page",
      params: {
        type: "object",
        required: ["n"],
        additionalProperties: false,
        properties: { n: { ...numberText, maxLength: 20_000 } },
      },
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          cursor: { type: "string", maxLength: 20_100, description: "next_cursor of the previous page: \"index:value\"" },
          limit: { type: "integer", minimum: 1, maximum: limits.trajectoryMaxLimit, default: limits.trajectoryDefaultLimit },
        },
      },
      response: {
        200: {
          type: "object",
          properties: {
            n: { type: "string" },
            values: { type: "array", items: { type: "string" } },
            next_cursor: { type: ["string", "null"] },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { n: text } = /** @type {{ n: string }} */ (request.params);
    const { cursor, limit } = /** @type {{ cursor?: string, limit: number }} */ (request.query);
    const n = parseBounded(text, "n", limits.maxInputBits);
    let index = 0;
    let from = n;
    if (cursor !== undefined) {
      const m = CURSOR.exec(cursor);
      if (!m) {
        throw new HttpError(400, "ERR_DASHBOARD_BAD_CURSOR", "cursor must be \"index:value\" as given in next_cursor");
      }
      index = Number(m[1]);
      from = parseBounded(m[2], "cursor", limits.maxInputBits);
    }
    const it = collatz.sequence(from);
    /** @type {string[]} */
    const values = [];
    let digits = 0;
    let step = it.next();
    while (!step.done && values.length < limit && digits < limits.trajectoryMaxDigits) {
      const s = step.value.toString();
      values.push(s);
      digits += s.length;
      step = it.next();
    }
    const nextCursor = step.done ? null : `${index + values.length}:${step.value}`;
    return { n: n.toString(), values, next_cursor: nextCursor };
  });
}
