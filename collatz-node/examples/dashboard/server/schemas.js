// schemas.js — JSON-schema pieces shared by the routes (Fastify validates with them and
// @fastify/swagger documents them): the error body, a number written in the parser's syntax,
// and the range query.

/** `{"error": code, "message"}`, every failure's body. */
export const errorBody = {
  $id: "ErrorBody",
  type: "object",
  required: ["error", "message"],
  properties: {
    error: { type: "string", description: "a stable code, e.g. ERR_COLLATZ_PARSE, ERR_DASHBOARD_RANGE_TOO_LARGE" },
    message: { type: "string" },
  },
};

/** Error responses most routes can give. */
export const errorResponses = {
  400: { $ref: "ErrorBody#", description: "bad input (not a number, zero, reversed range, unknown field or parameter)" },
  413: { $ref: "ErrorBody#", description: "over a limit (range length, number size, body size)" },
  429: { $ref: "ErrorBody#", description: "rate limit" },
  503: { $ref: "ErrorBody#", description: "event loop overloaded (with Retry-After)" },
};

/** A positive integer in the addon's syntax: `27`, `1e9`, `2^40`, `2^500+1`, `3^300`. */
export const numberText = {
  type: "string",
  minLength: 1,
  maxLength: 512,
  description: "a positive integer: decimal, or the parser's forms such as 1e9, 2^40, 2^500+1",
};

/** `start` and `end` of a half-open range [start, end). */
export const rangeProps = {
  start: { ...numberText, description: "first start value (inclusive); " + numberText.description },
  end: { ...numberText, description: "end of the range (exclusive); " + numberText.description },
};
