import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createHttpServer } from "./http-server.ts";
import type { ReadinessProbe } from "./readiness.ts";

export interface OpsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  readiness: ReadinessProbe;
  logger: Logger;
}

export interface OpsServer {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Registers /healthz (process alive), /readyz (dependencies) and /metrics on a fastify instance. */
export function registerOpsRoutes(
  app: FastifyInstance,
  registry: Registry | undefined,
  readiness: ReadinessProbe,
) {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    const report = await readiness();
    return reply.code(report.ready ? 200 : 503).send(report);
  });
  if (registry) {
    app.get("/metrics", async (_req, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  }
}

/** The small HTTP server every service runs on its metrics port. */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const app = createHttpServer(opts.logger, "ops-http");
  registerOpsRoutes(app, opts.registry, opts.readiness);
  await app.listen({ host: opts.host, port: opts.port });
  return serverHandle(app);
}

/** URL and port of a listening fastify instance, and its close(). */
export function serverHandle(app: FastifyInstance): OpsServer {
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const host =
    typeof address === "object" && address && address.family === "IPv6" ? `[${address.address}]` : address;
  const shown = typeof host === "string" ? host : (address as { address: string }).address;
  return {
    url: `http://${shown === "0.0.0.0" || shown === "[::]" ? "127.0.0.1" : shown}:${port}`,
    port,
    app,
    close: () => app.close(),
  };
}
