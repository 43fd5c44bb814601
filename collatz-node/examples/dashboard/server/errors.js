// errors.js — the service's one error shape, `{"error": code, "message"}`: HttpError for the
// service's own refusals, the HTTP status of each error code of the collatz-engine addon, and
// the Fastify error and not-found handlers that give every failure (schema validation, body
// parsing, rate limit, overload, the addon's RangeError/TypeError) that shape, never a stack.

/** An error with an HTTP status and a stable code, sent as `{"error": code, "message"}`. */
export class HttpError extends Error {
  /**
   * @param {number} statusCode
   * @param {string} code
   * @param {string} message
   * @param {Record<string, string>} [headers] extra response headers (e.g. Retry-After)
   */
  constructor(statusCode, code, message, headers) {
    super(message);
    this.name = "HttpError";
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers ?? {};
  }
}

/** The HTTP status of each `err.code` the addon throws (docs/node.md, "Errors"). */
export const ADDON_STATUS = Object.freeze({
  ERR_COLLATZ_ZERO: 400,
  ERR_COLLATZ_NEGATIVE: 400,
  ERR_COLLATZ_PARSE: 400,
  ERR_COLLATZ_TYPE: 400,
  ERR_COLLATZ_INVALID_ARGUMENT: 400,
  ERR_COLLATZ_INVALID_MAP: 400,
  ERR_COLLATZ_OVERFLOW: 400,
  ERR_COLLATZ_LIMIT: 413,
  ERR_COLLATZ_OUT_OF_MEMORY: 413,
});

/** Fastify's own error codes that are the client's fault, as the service's codes. */
const FASTIFY_CODES = Object.freeze({
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "ERR_DASHBOARD_BODY_TOO_LARGE"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "ERR_DASHBOARD_UNSUPPORTED_MEDIA_TYPE"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "ERR_DASHBOARD_BAD_BODY"],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, "ERR_DASHBOARD_BAD_BODY"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, "ERR_DASHBOARD_BAD_BODY"],
});

/**
 * The addon's error as an HttpError, its message prefixed with what was being read.
 * Anything else is returned unchanged.
 * @param {unknown} err
 * @param {string} [what] e.g. "start"
 * @returns {unknown}
 */
export function fromAddon(err, what) {
  if (err instanceof Error && typeof (/** @type {any} */ (err).code) === "string") {
    const code = /** @type {any} */ (err).code;
    const status = ADDON_STATUS[/** @type {keyof typeof ADDON_STATUS} */ (code)];
    if (status !== undefined) {
      return new HttpError(status, code, what ? `${what}: ${err.message}` : err.message);
    }
  }
  return err;
}

/**
 * A schema failure in words, naming the parameter (ajv's own message does not name an
 * unknown one).
 * @param {any} err
 */
function validationMessage(err) {
  const first = err.validation[0];
  const where = err.validationContext ?? "request";
  if (first?.keyword === "additionalProperties") {
    return `unknown parameter "${first.params.additionalProperty}" in the ${where}`;
  }
  if (first?.keyword === "enum") {
    return `${where}${first.instancePath.replaceAll("/", ".")} must be one of ${first.params.allowedValues.join(", ")}`;
  }
  return err.message;
}

/**
 * Status, code and message for any error reaching Fastify's error handler.
 * @param {any} err
 * @returns {{ status: number, code: string, message: string, headers: Record<string, string> }}
 */
export function describe(err) {
  if (err instanceof HttpError) {
    return { status: err.statusCode, code: err.code, message: err.message, headers: err.headers };
  }
  if (err && err.validation) {
    return { status: 400, code: "ERR_DASHBOARD_VALIDATION", message: validationMessage(err), headers: {} };
  }
  const code = err && typeof err.code === "string" ? err.code : "";
  if (code in ADDON_STATUS) {
    return { status: ADDON_STATUS[/** @type {keyof typeof ADDON_STATUS} */ (code)], code, message: err.message, headers: {} };
  }
  if (code in FASTIFY_CODES) {
    const [status, ours] = FASTIFY_CODES[/** @type {keyof typeof FASTIFY_CODES} */ (code)];
    return { status, code: ours, message: err.message, headers: {} };
  }
  if (code === "ABORT_ERR") {
    return { status: 503, code: "ERR_DASHBOARD_ABORTED", message: "the computation was stopped (the service is shutting down)", headers: { "retry-after": "5" } };
  }
  const status = err && Number.isInteger(err.statusCode) ? err.statusCode : 500;
  if (status === 503) {
    return { status, code: "ERR_DASHBOARD_OVERLOADED", message: "the service is overloaded; retry later", headers: {} };
  }
  if (status >= 400 && status < 500) {
    return { status, code: "ERR_DASHBOARD_BAD_REQUEST", message: String(err.message ?? "bad request"), headers: {} };
  }
  return { status: 500, code: "ERR_DASHBOARD_INTERNAL", message: "internal error (logged by the service)", headers: {} };
}

/**
 * Fastify's error handler: every error as `{"error": code, "message"}`.
 * @param {any} err
 * @param {import("fastify").FastifyRequest} request
 * @param {import("fastify").FastifyReply} reply
 */
export function errorHandler(err, request, reply) {
  const { status, code, message, headers } = describe(err);
  if (status >= 500 && code === "ERR_DASHBOARD_INTERNAL") {
    request.log.error({ err }, "unexpected error");
  }
  reply.code(status).headers(headers).type("application/json; charset=utf-8");
  return { error: code, message };
}

/**
 * Fastify's not-found handler.
 * @param {import("fastify").FastifyRequest} request
 * @param {import("fastify").FastifyReply} reply
 */
export function notFoundHandler(request, reply) {
  reply.code(404).type("application/json; charset=utf-8");
  return { error: "ERR_DASHBOARD_NOT_FOUND", message: `no route ${request.method} ${request.url.split("?")[0]}` };
}
