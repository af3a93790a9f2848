import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";

/** A fastify instance logging through the service's pino logger, without a line per request. */
export function createHttpServer(logger: Logger, component: string): FastifyInstance {
  return Fastify({
    loggerInstance: logger.child({ component }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
}
