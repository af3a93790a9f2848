import { StreamConsumer } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { ChatTurn } from "@lumina/events";
import type { MemoryStore } from "@lumina/memory";
import { serverHandle, timedCheck } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import { CollectionUpkeep, upkeepSettings, type VectorStore } from "@lumina/vectors";
import type { FastifyInstance } from "fastify";
import { Counter, type Registry } from "prom-client";
import type { MemoryConfig } from "./config.ts";
import { handleChatTurn } from "./handlers/chat-turn.ts";
import { buildMemoryServer } from "./http/server.ts";
import { MemoryBook } from "./memory-book.ts";
import { Rememberer, USER_MEMORY } from "./remember.ts";

export type MemoryDeps = ServiceDeps<ConfigOf<typeof MemoryConfig>> & {
  store: MemoryStore;
  vectors: VectorStore;
  embedder: Embedder;
};

/** chat:turn → facts, episodes and messages per user; the memory API on MEMORY_PORT. */
export function buildService(deps: MemoryDeps): ServiceApp {
  const { config, store, vectors, embedder } = deps;
  const upkeep = new CollectionUpkeep(vectors, USER_MEMORY, {
    ...upkeepSettings(config),
    onDone: (did) => deps.logger.info({ collection: USER_MEMORY, did }, "vector store maintained"),
    onError: (err) => deps.logger.error({ err, collection: USER_MEMORY }, "vector store maintenance failed"),
  });
  const rememberer = new Rememberer({ store, vectors, embedder, upkeep });
  const book = new MemoryBook({ store, vectors, embedder, rememberer });
  const metrics = memoryMetrics(deps.registry);
  let http: FastifyInstance | undefined;
  let url = "";
  return {
    capabilities: [
      "consumes chat:turn",
      "writes user_memory",
      "mem0-compatible API",
      "GET /v1/users/:user/*",
    ],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis: deps.redis,
        contract: ChatTurn,
        group: "memory",
        consumer: deps.consumerName,
        handler: async (turn) => {
          await handleChatTurn(turn, rememberer);
          metrics.turns.inc();
        },
      }),
    ],
    async start() {
      await vectors.ensureCollection({
        name: USER_MEMORY,
        dimension: embedder.dimension,
        model: embedder.modelId,
      });
      http = buildMemoryServer({
        logger: deps.logger,
        readiness: deps.readiness,
        book,
        apiKey: config.LUMINA_API_KEY || undefined,
        bodyMaxBytes: config.MEMORY_BODY_MAX_BYTES,
        importMaxBytes: config.MEMORY_IMPORT_MAX_BYTES,
      });
      await http.listen({ host: config.HOST, port: config.MEMORY_PORT });
      url = serverHandle(http).url;
    },
    async stop() {
      await http?.close();
      await upkeep.stop();
    },
    urls: () => ({ memory: url }),
    readiness: () => readiness(deps),
  };
}

/** `/readyz`: the memory store reachable; the adapters in use; extraction by rules, said plainly. */
async function readiness({ store, vectors, embedder }: MemoryDeps) {
  return {
    checks: { memory_store: await timedCheck(() => store.messages("", { limit: 1 })) },
    adapters: { memory_store: store.kind, vectors: vectors.kind, embedder: embedder.modelId },
    fallbacks: ["no language model extraction yet: facts and episodes come from the rule-based extractor"],
  };
}

function memoryMetrics(registry: Registry) {
  return {
    turns: new Counter({
      name: "memory_turns_total",
      help: "Chat turns remembered (question and answer)",
      registers: [registry],
    }),
  };
}
