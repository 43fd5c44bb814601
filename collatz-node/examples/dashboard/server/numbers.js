// numbers.js — reading start values and ranges from request text with the addon's own parser
// (decimal, `2^40`, `1e9`, `2^500+1`, `3^300`; any size, never through a JavaScript number),
// and the range checks every range route makes: reversed ranges and length limits.
import collatz from "collatz-engine";
import { HttpError, fromAddon } from "./errors.js";

/**
 * A positive integer from text, exactly, as a bigint. The addon parses it (its `sequence`
 * iterator yields the start value first, so nothing is computed), so the service accepts
 * exactly the forms the CLI, Python and Node accept, and the same errors come back
 * (ERR_COLLATZ_PARSE, ERR_COLLATZ_ZERO, ERR_COLLATZ_NEGATIVE, ERR_COLLATZ_LIMIT).
 * @param {string} text
 * @param {string} what the parameter's name, for the message
 * @returns {bigint}
 */
export function parseValue(text, what) {
  try {
    const first = collatz.sequence(text).next();
    return /** @type {bigint} */ (first.value);
  } catch (err) {
    throw fromAddon(err, what);
  }
}

/**
 * The bit length of a positive bigint.
 * @param {bigint} v
 */
export function bitLength(v) {
  return v.toString(2).length;
}

/**
 * A start value that must stay within `maxBits` bits (413 otherwise).
 * @param {string} text
 * @param {string} what
 * @param {number} maxBits
 */
export function parseBounded(text, what, maxBits) {
  const v = parseValue(text, what);
  const bits = bitLength(v);
  if (bits > maxBits) {
    throw new HttpError(413, "ERR_DASHBOARD_LIMIT", `${what} has ${bits} bits; this service takes at most ${maxBits}`);
  }
  return v;
}

/**
 * [start, end) from text: both positive, end not below start, at most `maxLength` numbers.
 * @param {string} startText
 * @param {string} endText
 * @param {{ maxLength: bigint, hint?: string }} limits `hint` ends the 413 message
 * @returns {{ start: bigint, end: bigint, length: bigint }}
 */
export function parseRange(startText, endText, { maxLength, hint }) {
  const start = parseValue(startText, "start");
  const end = parseValue(endText, "end");
  if (end < start) {
    throw new HttpError(400, "ERR_COLLATZ_INVALID_ARGUMENT", `the range is reversed: end (${end}) is below start (${start})`);
  }
  const length = end - start;
  if (length > maxLength) {
    throw new HttpError(413, "ERR_DASHBOARD_RANGE_TOO_LARGE",
      `[${start}, ${end}) holds ${length} numbers; this route answers at most ${maxLength}` + (hint ? `: ${hint}` : ""));
  }
  return { start, end, length };
}
