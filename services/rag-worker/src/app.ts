import { join } from "node:path";
import { StreamConsumer } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { UserForgotten } from "@lumina/events";
import type { ChatActivity, Llm } from "@lumina/llm";
import type { MemoryStore } from "@lumina/memory";
import { PersonaLibrary } from "@lumina/persona";
import type { LoadedPlugins } from "@lumina/plugins";
import { serverHandle, timedCheck } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import { CollectionUpkeep, upkeepSettings, type VectorStore } from "@lumina/vectors";
import type { FastifyInstance } from "fastify";
import { type AdapterStatus, AdapterWatcher } from "./adapter-watcher.ts";
import { Answerer, EXTRACTIVE } from "./answerer.ts";
import type { RagWorkerConfig } from "./config.ts";
import { buildChatServer, type ChatServerOptions } from "./http/chat-server.ts";
import { parseShares } from "./domain/prompt.ts";
import { TurnPersonas } from "./persona.ts";
import { readBecause } from "./read-because.ts";
import { CHAT_LONG, ChatMemory } from "./memory.ts";
import { createRagMetrics, type RagMetrics } from "./metrics.ts";
import { CHUNKS, Retriever } from "./retriever.ts";
import { RollingSummary } from "./summary.ts";
import { UserFacts } from "./user-facts.ts";

export type RagWorkerDeps = ServiceDeps<ConfigOf<typeof RagWorkerConfig>> & {
  store: VectorStore;
  embedder: Embedder;
  /** Undefined: no model configured; answers are extractive. */
  llm: Llm | undefined;
  /** Plugins loaded from MODULES_DIR: their endpoints and stream consumers. */
  plugins?: LoadedPlugins;
  /** Tracks chat requests so that the model leaves background work for the pauses. */
  activity?: ChatActivity;
  /** The memory of users (written by the memory service); without it, no answers from facts. */
  memoryStore?: MemoryStore;
  /** The personas that may answer (PERSONAS_DIR); absent: the built-in one. */
  personas?: PersonaLibrary;
};

/**
 * The chat API on CHAT_PORT: /chat and /v1/chat/completions answer from the chunks the indexer wrote,
 * cite them, score the answer, remember the turn, and publish gap:req / qa:turn.
 */
export function buildService(deps: RagWorkerDeps): ServiceApp {
  const { config, store, embedder } = deps;
  const metrics = createRagMetrics(deps.registry);
  const { answerer, memory, upkeep, summary } = buildAnswerer(deps, metrics);
  const adapters = new AdapterWatcher({
    redis: deps.redis,
    llm: deps.llm,
    logger: deps.logger,
    metrics: { version: metrics.adapterVersion, swaps: metrics.adapterSwaps },
  });
  let http: FastifyInstance | undefined;
  let url = "";
  return {
    capabilities: capabilities(deps),
    consumers: [forgetting(deps, memory, summary), ...(deps.plugins?.consumers ?? [])],
    async start() {
      const spec = { dimension: embedder.dimension, model: embedder.modelId };
      await store.ensureCollection({ name: CHUNKS, ...spec });
      await store.ensureCollection({ name: CHAT_LONG, ...spec });
      await adapters.start();
      http = await buildChatServer(chatServerOptions(deps, answerer, metrics));
      await http.listen({ host: config.HOST, port: config.CHAT_PORT });
      url = serverHandle(http).url;
    },
    stop: async () => {
      await http?.close();
      await adapters.stop();
      await memory.flush();
      await summary.settled();
      await upkeep.stop();
    },
    urls: () => ({ chat: url }),
    readiness: () => readiness(deps, adapters),
  };
}

/** Retrieval, chat memory and the answerer that uses both. */
/** user:forgotten → the user's chat histories, summaries, chat_long turns and journal lines deleted. */
function forgetting(deps: RagWorkerDeps, memory: ChatMemory, summary: RollingSummary) {
  return new StreamConsumer({
    ...deps.consumerDefaults,
    redis: deps.redis,
    contract: UserForgotten,
    group: "rag-worker",
    consumer: deps.consumerName,
    handler: async ({ user }) => {
      const [chats, summaries] = await Promise.all([memory.forgetUser(user), summary.forgetUser(user)]);
      deps.logger.info({ user, ...chats, summaries }, "forgot the user's chats");
    },
  });
}

function buildAnswerer(deps: RagWorkerDeps, metrics: RagMetrics) {
  const { config, store, embedder, redis } = deps;
  const retriever = new Retriever(
    { store, embedder, redis },
    {
      topK: config.RETRIEVAL_TOP_K,
      candidates: config.RETRIEVAL_CANDIDATES,
      fusion: config.FUSION,
      pagerankWeight: config.PAGERANK_WEIGHT,
      rerankCandidates: config.RERANK_CANDIDATES,
      notes: 2,
    },
  );
  const upkeep = new CollectionUpkeep(store, CHAT_LONG, {
    ...upkeepSettings(config),
    onDone: (did) => deps.logger.info({ collection: CHAT_LONG, did }, "vector store maintained"),
    onError: (err) => deps.logger.error({ err, collection: CHAT_LONG }, "vector store maintenance failed"),
  });
  const memory = new ChatMemory({
    redis,
    store,
    upkeep,
    graphsDir: join(config.DATA_DIR, "graphs"),
    historyTurns: config.HISTORY_TURNS,
    recallTopK: config.RECALL_TOP_K,
    recallMaxDays: config.RECALL_MAX_DAYS,
    onFlushError: (err) => deps.logger.error({ err }, "writing turns to chat_long failed; retrying"),
  });
  const userFacts = new UserFacts(deps.memoryStore, store);
  const summary = new RollingSummary({
    redis,
    llm: deps.llm,
    everyTurns: config.HISTORY_SUMMARY_TURNS,
    onError: (err) => deps.logger.warn({ err }, "folding turns into the rolling summary failed"),
  });
  const answerer = new Answerer(
    {
      retriever,
      memory,
      userFacts,
      personas: new TurnPersonas(deps.personas ?? PersonaLibrary.builtIn(), userFacts),
      summary,
      llm: deps.llm,
      publisher: deps.publisher,
      redis,
      metrics,
      ...(deps.activity ? { activity: deps.activity } : {}),
    },
    {
      maxTokensLimit: config.MAX_TOKENS_LIMIT,
      lowConfidence: config.LOW_CONFIDENCE,
      trainMinConf: config.TRAIN_MIN_CONF,
      supportFloor: config.SUPPORT_FLOOR,
      supportCeiling: config.SUPPORT_CEILING,
      chatQuietMs: config.CHAT_QUIET_MS,
      shares: parseShares(config.PROMPT_SHARES),
    },
  );
  return { answerer, memory, upkeep, summary };
}

function chatServerOptions(deps: RagWorkerDeps, answerer: Answerer, metrics: RagMetrics): ChatServerOptions {
  const { config } = deps;
  return {
    logger: deps.logger,
    readiness: deps.readiness,
    answerer,
    llm: deps.llm,
    embedder: deps.embedder,
    store: deps.store,
    readBecause: (title) => readBecause(deps.redis, title),
    metrics,
    maxBodyBytes: config.MAX_BODY_BYTES,
    defaultMaxTokens: config.MAX_TOKENS,
    maxTokensLimit: config.MAX_TOKENS_LIMIT,
    apiKey: config.LUMINA_API_KEY || undefined,
    corsOrigins: corsOrigins(config.CORS_ORIGINS, config.WS_PORT),
    ratePerMinute: config.RATE_LIMIT_PER_MIN,
    rateLimitLoopback: config.RATE_LIMIT_LOOPBACK === "true",
    pluginRoutes: deps.plugins?.routes ?? [],
  };
}

function capabilities(deps: RagWorkerDeps): string[] {
  return [
    "POST /chat",
    "consumes user:forgotten",
    "GET /chunks/:id",
    "POST /v1/chat/completions",
    "GET /v1/models",
    "POST /v1/embeddings",
    "GET /docs",
    "reads collections chunks, scratch_mem; writes chat_long",
    "reads the memory of users (facts, affinity, moods)",
    `personas: ${(deps.personas ?? PersonaLibrary.builtIn()).keys().join(", ")}`,
    "publishes chat:turn, gap:req, qa:turn",
    "hot-swaps LoRA adapters on adapter:updated",
    ...(deps.plugins?.routes ?? []).map((r) => `${r.method} ${r.url} (plugin ${r.plugin})`),
  ];
}

/** `/readyz`: the vector store reachable; the adapters in use and the fallbacks, said plainly. */
async function readiness(deps: RagWorkerDeps, adapters: AdapterWatcher) {
  const { store, embedder, llm } = deps;
  return {
    checks: { vectors: await timedCheck(() => store.count(CHUNKS)) },
    adapters: {
      vectors: store.kind,
      embedder: embedder.modelId,
      llm: llm ? `${llm.kind}: ${llm.modelId}` : EXTRACTIVE,
      lora: loraStatus(adapters.status),
      plugins: (deps.plugins?.manifests ?? []).map((m) => `${m.name}@${m.version}`).join(", ") || "none",
    },
    fallbacks: [
      ...(llm
        ? []
        : ["no language model configured (LLM_MODEL_PATH / LLM_BASE_URL): answers are extractive quotes"]),
      ...(adapters.status.failed
        ? [`LoRA adapter v${adapters.status.failed.version} not in use: ${adapters.status.failed.reason}`]
        : []),
      ...(embedder.fallback
        ? [`embedder ${embedder.modelId} is a lexical stand-in, not a semantic model`]
        : []),
    ],
  };
}

/** `/readyz` adapters.lora: the adapter in use, or the base model. */
const loraStatus = (s: AdapterStatus): string => (s.path ? `v${s.version}: ${s.path}` : "none (base model)");

/** CORS_ORIGINS as a list; empty means the live graph page wherever WS_PORT puts it. */
export function corsOrigins(configured: string, wsPort: number): string[] {
  const listed = configured
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  return listed.length > 0 ? listed : [`http://localhost:${wsPort}`, `http://127.0.0.1:${wsPort}`];
}
