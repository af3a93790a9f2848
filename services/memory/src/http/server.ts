import { createHttpServer, type ReadinessProbe, registerOpsRoutes } from "@lumina/observability";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { MemoryBook } from "../memory-book.ts";
import { MemoryApiError, registerErrorsAndKey } from "./errors.ts";
import { registerMem0Routes } from "./routes-mem0.ts";
import { registerUserRoutes } from "./routes-users.ts";

export interface MemoryServerOptions {
  logger: Logger;
  readiness: ReadinessProbe;
  book: MemoryBook;
  apiKey: string | undefined;
  bodyMaxBytes: number;
  importMaxBytes: number;
}

/** The memory API on MEMORY_PORT: the mem0-compatible subset, /v1/users/:user/*, /healthz and /readyz. */
export function buildMemoryServer(o: MemoryServerOptions): FastifyInstance {
  const app = createHttpServer(o.logger, "memory-http", { bodyLimit: o.bodyMaxBytes });
  registerErrorsAndKey(app, o.apiKey);
  acceptEmptyJson(app);
  registerOpsRoutes(app, undefined, o.readiness);
  registerMem0Routes(app, o.book);
  registerUserRoutes(app, o.book, o.importMaxBytes);
  return app;
}

/**
 * JSON bodies, where an empty one is no body: mem0 clients send `content-type: application/json` on
 * DELETE requests without a body. Anything else that does not parse is a 400 `invalid_json`.
 */
function acceptEmptyJson(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        new MemoryApiError("invalid_json", `the body is not valid JSON: ${(err as Error).message}`),
        undefined,
      );
    }
  });
}
