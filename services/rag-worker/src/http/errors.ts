import { LlmBusyError, LlmUnavailableError, PromptTooLongError } from "@lumina/llm";
import type { FastifyError, FastifyInstance } from "fastify";

/** An HTTP error with a stable code, sent as {"error": {"code", "message"}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "body_too_large"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "unsupported_media_type"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "invalid_json"],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, "invalid_json"],
};

/** Every error leaves as JSON with the right status; a 5xx is logged, a 4xx is the caller's. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    let status = 500;
    let code = "internal";
    let message = "internal error";
    if (err instanceof ApiError) {
      [status, code, message] = [err.status, err.code, err.message];
      reply.headers(err.headers);
    } else if (err instanceof LlmBusyError) {
      [status, code, message] = [503, err.code, err.message];
      reply.header("retry-after", String(err.retryAfterSeconds));
    } else if (err instanceof PromptTooLongError) {
      [status, code, message] = [400, err.code, err.message];
    } else if (err instanceof LlmUnavailableError) {
      [status, code, message] = [503, err.code, err.message];
    } else if ("validation" in err && err.validation) {
      [status, code, message] = [400, "invalid_request", err.message];
    } else if ("code" in err && err.code && FASTIFY_CODES[err.code]) {
      [status, code] = FASTIFY_CODES[err.code] as [number, string];
      message = err.message;
    } else if ("statusCode" in err && typeof err.statusCode === "number" && err.statusCode < 500) {
      [status, code, message] = [
        err.statusCode,
        err.statusCode === 429 ? "rate_limited" : "bad_request",
        err.message,
      ];
    }
    if (status >= 500 && !(err instanceof LlmBusyError)) request.log.error({ err }, "request failed");
    return reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } }),
  );
}
