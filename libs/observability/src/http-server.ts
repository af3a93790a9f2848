import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";

export interface HttpServerOptions {
  /** Largest request body accepted, in bytes (fastify answers 413 past it). */
  bodyLimit?: number;
}

/**
 * A fastify instance logging through the service's pino logger, without a line per request. Request
 * validation is strict: no type coercion, no silently dropped properties (a bad body is a 400).
 */
export function createHttpServer(
  logger: Logger,
  component: string,
  options: HttpServerOptions = {},
): FastifyInstance {
  return Fastify({
    loggerInstance: logger.child({ component }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
}
