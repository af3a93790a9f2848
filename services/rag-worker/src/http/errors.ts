import { LuminaError } from "@lumina/errors";
import type { FastifyError, FastifyInstance } from "fastify";

/**
 * Every code the chat API answers with, and its HTTP status. docs/errors.md says what each means (a
 * test fails when one is missing there); a code not listed here never reaches a client.
 */
export const API_ERRORS = {
  invalid_request: 400,
  invalid_json: 400,
  max_tokens_too_large: 400,
  context_length_exceeded: 400,
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  chunk_not_found: 404,
  persona_not_found: 404,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  llm_busy: 503,
  llm_unavailable: 503,
  no_model: 503,
  stream_failed: 200, // inside an event stream whose 200 was already sent
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERRORS;

const isApiCode = (code: string): code is ApiErrorCode => Object.hasOwn(API_ERRORS, code);

/** An error the API answers with: its status comes from API_ERRORS. */
export class ApiError extends LuminaError {
  constructor(code: ApiErrorCode, message: string, headers: Record<string, string> = {}) {
    super(code, message, { status: API_ERRORS[code], headers });
  }
}

/** Fastify's own errors, by their codes. */
const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_json",
};

interface Answer {
  status: number;
  code: ApiErrorCode;
  message: string;
  headers: Readonly<Record<string, string>>;
}

const answer = (code: ApiErrorCode, message: string, headers = {}): Answer => ({
  status: API_ERRORS[code],
  code,
  message,
  headers,
});

/**
 * What a client is told about `err`. A LuminaError with a status and a listed code speaks for itself;
 * Fastify's errors go by their codes or statuses; anything else is 500 `internal`, its details kept
 * for the log.
 */
export function toApiAnswer(err: unknown): Answer {
  if (err instanceof LuminaError && err.status !== undefined && isApiCode(err.code))
    return { status: err.status, code: err.code, message: err.message, headers: err.headers };
  const f = err as Partial<FastifyError>;
  const message = typeof f.message === "string" ? f.message : "";
  if (f.validation) return answer("invalid_request", message);
  const known = f.code ? FASTIFY_CODES[f.code] : undefined;
  if (known) return answer(known, message);
  if (typeof f.statusCode === "number" && f.statusCode >= 400 && f.statusCode < 500)
    return {
      ...answer(f.statusCode === 429 ? "rate_limited" : "bad_request", message),
      status: f.statusCode,
    };
  return answer("internal", "internal error");
}

/** Every error leaves as JSON with its status; a 5xx is logged unless it says when to retry. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    const { status, code, message, headers } = toApiAnswer(err);
    if (status >= 500 && !headers["retry-after"]) request.log.error({ err }, "request failed");
    return reply.code(status).headers(headers).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } }),
  );
}
