import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { Embedder } from "@lumina/embeddings";
import type { Llm } from "@lumina/llm";
import type { LoadedRoute } from "@lumina/plugins";
import { createHttpServer, type ReadinessProbe, registerOpsRoutes } from "@lumina/observability";
import type { VectorStore } from "@lumina/vectors";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Answerer } from "../answerer.ts";
import type { RagMetrics } from "../metrics.ts";
import { registerErrorHandling } from "./errors.ts";
import { registerChatRoutes } from "./routes-chat.ts";
import type { ReadBecause } from "../read-because.ts";
import { registerChunkRoutes } from "./routes-chunks.ts";
import { registerOpenAiRoutes } from "./routes-openai.ts";
import { registerSecurity } from "./security.ts";

export interface ChatServerOptions {
  logger: Logger;
  readiness: ReadinessProbe;
  answerer: Answerer;
  llm: Llm | undefined;
  embedder: Embedder;
  store: VectorStore;
  /** Why the article was read (its node's provenance), shown with a cited chunk. */
  readBecause: ReadBecause;
  metrics: RagMetrics;
  maxBodyBytes: number;
  defaultMaxTokens: number;
  maxTokensLimit: number;
  apiKey: string | undefined;
  corsOrigins: string[];
  ratePerMinute: number;
  /** Whether the rate limit applies to loopback clients too (RATE_LIMIT_LOOPBACK). */
  rateLimitLoopback: boolean;
  /** Endpoints added by plugins (modules/<name>), each under /plugins/<name>/. */
  pluginRoutes?: LoadedRoute[];
}

/** Paths anyone may call: health, readiness and the API documentation. */
const OPEN = (url: string) => /^\/(healthz|readyz|docs)(\/|\?|$)/.test(url);

/** The chat API on CHAT_PORT: /chat, /chunks/:id, /v1/*, /docs, /healthz, /readyz. */
export async function buildChatServer(o: ChatServerOptions): Promise<FastifyInstance> {
  const app = createHttpServer(o.logger, "chat-http", { bodyLimit: o.maxBodyBytes });
  registerErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Lumina chat API",
        version: "0.1.0",
        description: "Cited answers with a confidence, and an OpenAI-compatible API. See docs/api.md.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      ...(o.apiKey ? { security: [{ bearer: [] }] } : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  await registerSecurity(app, {
    apiKey: o.apiKey,
    corsOrigins: o.corsOrigins,
    ratePerMinute: o.ratePerMinute,
    rateLimitLoopback: o.rateLimitLoopback,
    open: OPEN,
  });
  registerOpsRoutes(app, undefined, o.readiness);
  const routeDeps = {
    answerer: o.answerer,
    metrics: o.metrics,
    defaultMaxTokens: o.defaultMaxTokens,
    maxTokensLimit: o.maxTokensLimit,
  };
  registerChatRoutes(app, routeDeps);
  registerChunkRoutes(app, o.store, o.readBecause);
  registerOpenAiRoutes(app, { ...routeDeps, llm: o.llm, embedder: o.embedder });
  for (const r of o.pluginRoutes ?? [])
    app.route({
      method: r.method,
      url: r.url,
      schema: { tags: [`plugin ${r.plugin}`] },
      handler: async (request) =>
        r.handler({ query: request.query as Record<string, string | undefined>, body: request.body }),
    });
  return app;
}
