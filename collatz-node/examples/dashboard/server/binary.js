// binary.js — the raw responses of /api/columns and /api/density: typed arrays as little-endian
// bytes, each array padded with zeros to a multiple of 8 bytes so a client can view it in place
// (`new Uint16Array(buf, offset, count)`); maxima past 64 bits as u128 (low word first).
import { endianness } from "node:os";

const LITTLE = endianness() === "LE";

/**
 * Whether the client asked for raw bytes (its Accept header names application/octet-stream).
 * @param {import("fastify").FastifyRequest} request
 */
export function wantsBinary(request) {
  const accept = request.headers.accept;
  return typeof accept === "string" && /(^|,)\s*application\/octet-stream\s*(;(?!\s*q=0(\.0*)?\s*(,|$))[^,]*)?(,|$)/i.test(accept);
}

/**
 * A typed array's bytes in little-endian order, padded to a multiple of 8.
 * @param {Uint16Array | Uint32Array | BigUint64Array} array
 * @returns {Buffer}
 */
export function littleEndian(array) {
  const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  const padded = Buffer.alloc(Math.ceil(bytes.length / 8) * 8);
  bytes.copy(padded);
  if (!LITTLE) {
    const view = padded.subarray(0, bytes.length);
    if (array.BYTES_PER_ELEMENT === 2) view.swap16();
    else if (array.BYTES_PER_ELEMENT === 4) view.swap32();
    else view.swap64();
  }
  return padded;
}

/**
 * Bigints of up to 128 bits as u128 little-endian (low 64 bits, then high 64 bits).
 * @param {bigint[]} values
 * @returns {Buffer}
 */
export function u128(values) {
  const out = Buffer.alloc(values.length * 16);
  const mask = (1n << 64n) - 1n;
  values.forEach((v, i) => {
    out.writeBigUInt64LE(v & mask, i * 16);
    out.writeBigUInt64LE(v >> 64n, i * 16 + 8);
  });
  return out;
}
