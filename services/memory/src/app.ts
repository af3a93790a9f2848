import { StreamConsumer } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { ChatTurn } from "@lumina/events";
import type { MemoryStore } from "@lumina/memory";
import type { PersonaLibrary } from "@lumina/persona";
import { serverHandle, timedCheck } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import { CollectionUpkeep, upkeepSettings, type VectorStore } from "@lumina/vectors";
import type { FastifyInstance } from "fastify";
import { Counter, type Registry } from "prom-client";
import type { MemoryConfig } from "./config.ts";
import { handleChatTurn } from "./handlers/chat-turn.ts";
import { buildMemoryServer } from "./http/server.ts";
import { MemoryBook } from "./memory-book.ts";
import { ModelExtractor } from "./model-extractor.ts";
import { Relationships } from "./relationship.ts";
import { Rememberer, USER_MEMORY } from "./remember.ts";

export type MemoryDeps = ServiceDeps<ConfigOf<typeof MemoryConfig>> & {
  store: MemoryStore;
  vectors: VectorStore;
  /** For the memory API, whose callers wait (the chat lane of a pool). */
  embedder: Embedder;
  /** For the memories of chat turns, which nobody waits for (default: `embedder`). */
  turnEmbedder?: Embedder;
  personas: PersonaLibrary;
};

/** chat:turn → facts, episodes and messages per user; the memory API on MEMORY_PORT. */
export function buildService(deps: MemoryDeps): ServiceApp {
  const { config, store, vectors, embedder } = deps;
  const metrics = memoryMetrics(deps.registry, deps.personas.keys());
  const { rememberer, turnRememberer, model } = buildRememberer(deps, metrics);
  const book = new MemoryBook({ store, vectors, embedder, rememberer, publisher: deps.publisher });
  const relationships = new Relationships({
    store,
    personas: deps.personas,
    publisher: deps.publisher,
    levelChanges: metrics.levelChanges,
  });
  let http: FastifyInstance | undefined;
  let url = "";
  return {
    capabilities: [
      "consumes chat:turn",
      "writes user_memory",
      "mem0-compatible API",
      "GET /v1/users/:user/*",
      "affinity and mood per persona (publishes affinity:level)",
      "publishes user:forgotten",
    ],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis: deps.redis,
        contract: ChatTurn,
        group: "memory",
        consumer: deps.consumerName,
        handler: async (turn) => {
          await handleChatTurn(turn, turnRememberer, relationships);
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
      await rememberer.stop();
    },
    urls: () => ({ memory: url }),
    readiness: () => readiness(deps, model),
  };
}

/**
 * The writers of memories, one for the API and one for chat turns (they differ only in their
 * embedder's lane): the collection's upkeep, and the extraction model when one is configured.
 */
function buildRememberer(deps: MemoryDeps, metrics: ReturnType<typeof memoryMetrics>) {
  const { config, store, vectors, embedder } = deps;
  const upkeep = new CollectionUpkeep(vectors, USER_MEMORY, {
    ...upkeepSettings(config),
    onDone: (did) => deps.logger.info({ collection: USER_MEMORY, did }, "vector store maintained"),
    onError: (err) => deps.logger.error({ err, collection: USER_MEMORY }, "vector store maintenance failed"),
  });
  const model = config.MEMORY_LLM_BASE_URL
    ? new ModelExtractor({
        baseUrl: config.MEMORY_LLM_BASE_URL,
        model: config.MEMORY_LLM_MODEL,
        ...(config.MEMORY_LLM_API_KEY ? { apiKey: config.MEMORY_LLM_API_KEY } : {}),
        timeoutMs: config.MEMORY_LLM_TIMEOUT_S * 1000,
      })
    : undefined;
  const writer = (embedder: Embedder) =>
    new Rememberer({
      store,
      vectors,
      embedder,
      upkeep,
      ...(model ? { model } : {}),
      onModelError: (err) =>
        deps.logger.warn({ err }, "the extraction model failed; the rules extract instead"),
      onExtracted: (writer) => metrics.extractions.inc({ writer }),
    });
  // Both share the upkeep: stopping either stops it.
  return { rememberer: writer(embedder), turnRememberer: writer(deps.turnEmbedder ?? embedder), model };
}

/** `/readyz`: the memory store reachable; the adapters in use; extraction by rules, said plainly. */
async function readiness({ store, vectors, embedder }: MemoryDeps, model: ModelExtractor | undefined) {
  return {
    checks: { memory_store: await timedCheck(() => store.messages("", { limit: 1 })) },
    adapters: {
      memory_store: `${store.kind} (${store.engine})`,
      vectors: vectors.kind,
      embedder: embedder.modelId,
      extraction: model ? `model ${model.describe}, rules as fallback` : "rules",
    },
    fallbacks: model
      ? []
      : ["no extraction model (MEMORY_LLM_BASE_URL): facts and episodes come from the rules"],
  };
}

function memoryMetrics(registry: Registry, personas: string[]) {
  const metrics = {
    turns: new Counter({
      name: "memory_turns_total",
      help: "Chat turns remembered (question and answer)",
      registers: [registry],
    }),
    levelChanges: new Counter({
      name: "memory_affinity_level_changes_total",
      help: "Users whose affinity with a persona crossed into another relationship level, by direction (up, down)",
      labelNames: ["persona", "direction"],
      registers: [registry],
    }),
    extractions: new Counter({
      name: "memory_extractions_total",
      help: "User messages whose facts and episodes were drawn, by writer (model, rules)",
      labelNames: ["writer"],
      registers: [registry],
    }),
  };
  // Every persona's series from the start (0), so that a dashboard shows "none crossed" rather than nothing.
  for (const persona of personas)
    for (const direction of ["up", "down"]) metrics.levelChanges.inc({ persona, direction }, 0);
  return metrics;
}
