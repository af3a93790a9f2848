import { LuminaError } from "@lumina/errors";
import { sameSecret } from "@lumina/observability";
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";

/** Every code the memory API answers with, and its HTTP status (docs/errors.md says what each means). */
export const MEMORY_API_ERRORS = {
  invalid_request: 400,
  invalid_json: 400,
  unauthorized: 401,
  not_found: 404,
  memory_not_found: 404,
  user_not_found: 404,
  body_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
} as const satisfies Record<string, number>;

export type MemoryApiCode = keyof typeof MEMORY_API_ERRORS;

export class MemoryApiError extends LuminaError {
  constructor(code: MemoryApiCode, message: string) {
    super(code, message, { status: MEMORY_API_ERRORS[code] });
  }
}

const FASTIFY_CODES: Record<string, MemoryApiCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_json",
};

/** What a client is told about `err`: always JSON `{error: {code, message}}` with the code's status. */
function answerOf(err: unknown): { code: MemoryApiCode; message: string } {
  if (err instanceof MemoryApiError) return { code: err.code as MemoryApiCode, message: err.message };
  const f = err as Partial<FastifyError>;
  if (f.validation) return { code: "invalid_request", message: f.message ?? "invalid request" };
  const known = f.code ? FASTIFY_CODES[f.code] : undefined;
  if (known) return { code: known, message: f.message ?? known };
  return { code: "internal", message: "internal error" };
}

/** JSON errors, a JSON 404, and the API key (Token or Bearer, as mem0 clients and Lumina's send it). */
export function registerErrorsAndKey(app: FastifyInstance, apiKey: string | undefined): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    const { code, message } = answerOf(err);
    const status = MEMORY_API_ERRORS[code];
    if (status >= 500) request.log.error({ err }, "memory request failed");
    return reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } }),
  );
  if (!apiKey) return;
  app.addHook("onRequest", async (request) => {
    if (/^\/(healthz|readyz)(\/|\?|$)/.test(request.url)) return;
    const given = keyOf(request);
    if (!given || !sameSecret(given, apiKey))
      throw new MemoryApiError(
        "unauthorized",
        "a valid API key is required: Authorization: Token <LUMINA_API_KEY> (or Bearer <LUMINA_API_KEY>)",
      );
  });
}

function keyOf(request: FastifyRequest): string | undefined {
  const m = /^(?:Token|Bearer)\s+(.+)$/i.exec(request.headers.authorization ?? "");
  return m?.[1]?.trim();
}
