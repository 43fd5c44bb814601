// routes/columns.js — GET /api/columns?start&end&fields&cursor&limit: per-number statistics of
// [start, end), a page of at most `limit` start values at a time (cursor = the next page's
// first start value). JSON by default; raw little-endian arrays when the client accepts
// application/octet-stream (layout in binary.js and docs/dashboard.md).
import collatz from "collatz-engine";
import { HttpError, fromAddon } from "../errors.js";
import { parseRange, parseValue } from "../numbers.js";
import { errorResponses, numberText, rangeProps } from "../schemas.js";
import { littleEndian, u128, wantsBinary } from "../binary.js";

/** The API's field names and the addon's. */
export const FIELDS = Object.freeze({
  total_stopping_time: "totalStoppingTime",
  stopping_time: "stoppingTime",
  odd_steps: "oddSteps",
  max_excursion: "maxExcursion",
});

/**
 * Field names from `a,b,c`, checked.
 * @param {string | undefined} text
 * @returns {Array<keyof typeof FIELDS>}
 */
function readFields(text) {
  if (text === undefined) return ["total_stopping_time"];
  const names = text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) {
    throw new HttpError(400, "ERR_DASHBOARD_UNKNOWN_FIELD", `fields is empty; known fields: ${Object.keys(FIELDS).join(", ")}`);
  }
  for (const name of names) {
    if (!Object.hasOwn(FIELDS, name)) {
      throw new HttpError(400, "ERR_DASHBOARD_UNKNOWN_FIELD", `unknown field "${name}"; known fields: ${Object.keys(FIELDS).join(", ")}`);
    }
  }
  return /** @type {Array<keyof typeof FIELDS>} */ ([...new Set(names)]);
}

/**
 * @param {import("fastify").FastifyInstance} app
 * @param {{ limits: { columnsDefaultLimit: number, columnsMaxLimit: number } }} options
 */
export default async function columnsRoutes(app, { limits }) {
  app.get("/api/columns", {
    schema: {
      summary: "Per-number statistics of [start, end), a page at a time; JSON or raw little-endian arrays",
      querystring: {
        type: "object",
        required: ["start", "end"],
        additionalProperties: false,
        properties: {
          ...rangeProps,
          fields: { type: "string", maxLength: 200, description: "comma-separated: total_stopping_time (default), stopping_time, odd_steps, max_excursion" },
          cursor: { ...numberText, description: "next_cursor of the previous page (its first start value)" },
          limit: { type: "integer", minimum: 1, maximum: limits.columnsMaxLimit, default: limits.columnsDefaultLimit },
        },
      },
      response: {
        200: {
          description: "JSON: one array per field (max_excursion as decimal strings), or with Accept: application/octet-stream the arrays as bytes (see docs/dashboard.md)",
          type: "object",
          additionalProperties: true,
        },
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const q = /** @type {{ start: string, end: string, fields?: string, cursor?: string, limit: number }} */ (request.query);
    const fields = readFields(q.fields);
    const { start, end } = parseRange(q.start, q.end, { maxLength: (1n << 64n) });
    let from = start;
    if (q.cursor !== undefined) {
      from = parseValue(q.cursor, "cursor");
      if (from < start || from > end) {
        throw new HttpError(400, "ERR_DASHBOARD_BAD_CURSOR", `cursor ${from} is outside [${start}, ${end}]`);
      }
    }
    const to = from + BigInt(q.limit) < end ? from + BigInt(q.limit) : end;
    const count = Number(to - from);
    /** @type {import("collatz-engine").Columns | null} */
    let cols = null;
    if (count > 0) {
      try {
        cols = await collatz.columnsAsync(from, to, { fields: fields.map((f) => FIELDS[f]) });
      } catch (err) {
        throw fromAddon(err);
      }
    }
    const nextCursor = to < end ? to.toString() : null;

    if (wantsBinary(request)) {
      /** @type {string[]} */
      const layout = [];
      /** @type {Buffer[]} */
      const parts = [];
      for (const f of fields) {
        const arr = cols ? /** @type {any} */ (cols)[FIELDS[f]] : null;
        if (f === "max_excursion") {
          if (arr === null || arr instanceof BigUint64Array) {
            layout.push(`${f}=u64`);
            parts.push(littleEndian(arr ?? new BigUint64Array(0)));
          } else {
            layout.push(`${f}=u128`);
            parts.push(u128(arr));
          }
        } else {
          layout.push(`${f}=u16`);
          parts.push(littleEndian(arr ?? new Uint16Array(0)));
        }
      }
      reply.headers({
        "content-type": "application/octet-stream",
        "x-collatz-start": from.toString(),
        "x-collatz-end": to.toString(),
        "x-collatz-count": String(count),
        "x-collatz-fields": layout.join(","),
        "x-collatz-next-cursor": nextCursor ?? "",
        vary: "Accept",
      });
      return Buffer.concat(parts);
    }

    /** @type {Record<string, unknown>} */
    const body = { start: from.toString(), end: to.toString(), fields };
    for (const f of fields) {
      const arr = cols ? /** @type {any} */ (cols)[FIELDS[f]] : null;
      if (arr === null) body[f] = [];
      else if (f === "max_excursion") body[f] = Array.from(arr, (v) => v.toString());
      else body[f] = Array.from(arr);
    }
    body.next_cursor = nextCursor;
    reply.header("vary", "Accept");
    return body;
  });
}
