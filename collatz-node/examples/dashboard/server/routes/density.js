// routes/density.js — GET /api/density?start&end&width&height&field: a 2-D histogram of
// (n, statistic) over [start, end) from the addon's densityAsync (one pass, nothing
// materialised), cached in both levels as bytes; JSON, or raw little-endian u32 counts when
// the client accepts application/octet-stream.
import collatz from "collatz-engine";
import { fromAddon } from "../errors.js";
import { parseRange } from "../numbers.js";
import { errorResponses, rangeProps } from "../schemas.js";
import { littleEndian, wantsBinary } from "../binary.js";

export const DENSITY_FIELDS = Object.freeze(["total_stopping_time", "stopping_time", "odd_steps", "max_excursion"]);

/**
 * A density grid as cached: a 4-byte little-endian length, the JSON of its header fields,
 * then the counts as little-endian u32.
 * @typedef {{ start: string, end: string, field: string, width: number, height: number, y_min: number, y_max: number, y_step: number }} DensityHeader
 */

/**
 * @param {DensityHeader} header
 * @param {Uint32Array} counts
 */
function encode(header, counts) {
  const head = Buffer.from(JSON.stringify(header), "utf8");
  // Spaces after the JSON (still valid JSON) put the counts at a multiple of 8 bytes.
  const pad = (8 - ((4 + head.length) % 8)) % 8;
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(head.length + pad);
  return Buffer.concat([prefix, head, Buffer.alloc(pad, 0x20), littleEndian(counts)]);
}

/**
 * @param {Buffer} buf
 * @returns {{ header: DensityHeader, counts: Buffer }}
 */
export function decodeDensity(buf) {
  const len = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + len).toString("utf8"));
  return { header, counts: buf.subarray(4 + len, 4 + len + header.width * header.height * 4) };
}

/**
 * The key parts of a density view.
 * @param {{ start: bigint, end: bigint, width: number, height: number, field: string }} q
 */
function densityParts({ start, end, width, height, field }) {
  return [field, start, end, width, height];
}

/**
 * The cached density grid of [start, end).
 * @param {import("../cache.js").TwoLevelCache} cache
 * @param {{ start: bigint, end: bigint, width: number, height: number, field: string }} q
 * @param {AbortSignal} signal stops the computation (the app's, aborted at shutdown)
 */
export function cachedDensity(cache, { start, end, width, height, field }, signal) {
  return cache.get("density", densityParts({ start, end, width, height, field }), async () => {
    let d;
    try {
      d = await collatz.densityAsync(start, end, { width, height, field, signal });
    } catch (err) {
      throw fromAddon(err);
    }
    /** @type {DensityHeader} */
    const header = { start: d.start, end: d.end, field, width: d.width, height: d.height, y_min: d.yMin, y_max: d.yMax, y_step: d.yStep };
    return encode(header, d.counts);
  });
}

/**
 * @param {import("fastify").FastifyInstance} app
 * @param {{ cache: import("../cache.js").TwoLevelCache, limits: { maxDensityLength: bigint }, signal: AbortSignal }} options
 */
export default async function densityRoutes(app, { cache, limits, signal }) {
  app.get("/api/density", {
    schema: {
      summary: "2-D histogram of (n, statistic) over [start, end): counts[row * width + col], row 0 the lowest y; cached",
      querystring: {
        type: "object",
        required: ["start", "end"],
        additionalProperties: false,
        properties: {
          ...rangeProps,
          width: { type: "integer", minimum: 1, maximum: 4096, default: 512 },
          height: { type: "integer", minimum: 1, maximum: 4096, default: 256 },
          field: { type: "string", enum: [...DENSITY_FIELDS], default: "total_stopping_time" },
        },
      },
      response: {
        200: {
          description: "JSON, or with Accept: application/octet-stream the counts as little-endian u32 (header fields in X-Collatz-* headers)",
          type: "object",
          properties: {
            start: { type: "string" },
            end: { type: "string" },
            field: { type: "string" },
            width: { type: "integer" },
            height: { type: "integer" },
            y_min: { type: "number" },
            y_max: { type: "number" },
            y_step: { type: "number", description: "values per row: row r holds [y_min + r·y_step, y_min + (r+1)·y_step)" },
            counts: { type: "array", items: { type: "integer" } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    const q = /** @type {{ start: string, end: string, width: number, height: number, field: string }} */ (request.query);
    const { start, end } = parseRange(q.start, q.end, { maxLength: limits.maxDensityLength });
    const query = { start, end, width: q.width, height: q.height, field: q.field };
    reply.header("vary", "Accept");
    if (!wantsBinary(request)) {
      // the JSON text is cached too: writing 10^5 counts as text on every hit cost far more
      // than the lookup
      const { value, source } = await cache.get("density-json", densityParts(query), async () => {
        const { header, counts } = decodeDensity((await cachedDensity(cache, query, signal)).value);
        return Buffer.from(densityJson(header, counts), "utf8");
      });
      reply.header("x-cache", source === "computed" ? "miss" : source);
      reply.type("application/json; charset=utf-8");
      return value;
    }
    const { value, source } = await cachedDensity(cache, query, signal);
    const { header, counts } = decodeDensity(value);
    reply.header("x-cache", source === "computed" ? "miss" : source);
    reply.headers({
      "content-type": "application/octet-stream",
      "x-collatz-start": header.start,
      "x-collatz-end": header.end,
      "x-collatz-field": header.field,
      "x-collatz-width": String(header.width),
      "x-collatz-height": String(header.height),
      "x-collatz-y-min": String(header.y_min),
      "x-collatz-y-max": String(header.y_max),
      "x-collatz-y-step": String(header.y_step),
    });
    return counts;
  });
}

/**
 * The JSON answer: the header's fields, then the counts.
 * @param {DensityHeader} header
 * @param {Buffer} counts little-endian u32
 */
function densityJson(header, counts) {
  const values = new Array(counts.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = counts.readUInt32LE(i * 4);
  return `${JSON.stringify(header).slice(0, -1)},"counts":[${values.join(",")}]}`;
}
