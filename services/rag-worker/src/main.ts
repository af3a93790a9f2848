import { access } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { loadEmbedder } from "@lumina/embeddings";
import { ChatActivity, defaultLlmPath, type Llm, NodeLlamaCppLlm, OpenAiCompatibleLlm } from "@lumina/llm";
import { openMemoryStore } from "@lumina/memory";
import { PersonaLibrary } from "@lumina/persona";
import { loadPlugins } from "@lumina/plugins";
import { type ConfigOf, isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { COLLECTIONS } from "@lumina/events";
import { messageOf } from "@lumina/errors";
import { LanceDbStore, openVectorStore, ResidentReads, type VectorStore } from "@lumina/vectors";
import type { Logger } from "pino";
import { buildService } from "./app.ts";
import { RagWorkerConfig } from "./config.ts";

export const NAME = "rag-worker";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = RagWorkerConfig;
export const METRICS_PORT = 9302;

type Config = ConfigOf<typeof RagWorkerConfig> & { DATA_DIR: string };

/** LLM_BASE_URL, else LLM_MODEL_PATH (which must exist), else the default model file if present, else none. */
export async function loadLlm(
  config: Config,
  logger: Logger,
  activity?: ChatActivity,
): Promise<Llm | undefined> {
  if (config.LLM_BASE_URL) {
    return new OpenAiCompatibleLlm({
      baseUrl: config.LLM_BASE_URL,
      ...(config.LLM_API_KEY ? { apiKey: config.LLM_API_KEY } : {}),
      model: config.LLM_MODEL,
      contextSize: config.LLM_CONTEXT,
      concurrency: config.LLM_SEQUENCES,
      maxQueue: config.LLM_QUEUE_MAX,
      maxWaitMs: config.LLM_MAX_WAIT_S * 1000,
      timeoutMs: config.LLM_TIMEOUT_S * 1000,
    });
  }
  const fallback = defaultLlmPath(config.DATA_DIR);
  const path =
    config.LLM_MODEL_PATH ||
    (await access(fallback).then(
      () => fallback,
      () => undefined,
    ));
  if (!path) {
    logger.warn(
      { looked_for: fallback },
      "NO LANGUAGE MODEL: answers are extractive quotes from the sources. Run `lumina models pull`, or set LLM_MODEL_PATH or LLM_BASE_URL",
    );
    return undefined;
  }
  const llm = await NodeLlamaCppLlm.load({
    modelPath: path,
    contextSize: config.LLM_CONTEXT,
    sequences: config.LLM_SEQUENCES,
    threads: config.LLM_THREADS || Math.max(1, availableParallelism() - 1),
    format: config.LLM_PROMPT_FORMAT,
    maxQueue: config.LLM_QUEUE_MAX,
    maxWaitMs: config.LLM_MAX_WAIT_S * 1000,
    backgroundQuietMs: config.CHAT_QUIET_MS,
    ...(activity ? { chatActivity: activity } : {}),
  });
  logger.info({ model: llm.modelId, context: llm.contextSize }, "language model loaded");
  return llm;
}

/**
 * The vector store as the rag-worker reads it. Another connection (the indexer) writes the chunks:
 * LanceDB looks for new versions at most every second, and `chunks` is held in memory for dense and
 * full-text search (ResidentReads), brought up to date every 0.5 s and after a pause in questions.
 */
async function openReadStore(config: Config, logger: Logger): Promise<VectorStore> {
  const store = await openVectorStore(config, { readConsistencySeconds: 1, ef: 100 });
  if (!(store instanceof LanceDbStore) || config.CHUNKS_IN_MEMORY_MAX === 0) return store;
  return new ResidentReads(store, {
    collections: [COLLECTIONS.chunks],
    maxRows: config.CHUNKS_IN_MEMORY_MAX,
    syncMs: 1000,
    fullText: true, // the index is built with LanceDB's default analysis
    onError: (err, collection) =>
      logger.warn({ collection, err: messageOf(err) }, "in-memory copy not brought up to date; trying again"),
  });
}

/** Starts the rag-worker from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: RagWorkerConfig,
      build: async (deps) => {
        const store = await openReadStore(deps.config, deps.logger);
        const embedder = await loadEmbedder(deps.config, { lane: "interactive" });
        const activity = new ChatActivity(deps.config.CHAT_QUIET_MS);
        const llm = await loadLlm(deps.config, deps.logger, activity);
        const personas = await PersonaLibrary.load(
          deps.config.PERSONAS_DIR || undefined,
          deps.config.PERSONA,
        );
        const memoryStore = await openMemoryStore(deps.config);
        const plugins = deps.config.MODULES_DIR
          ? await loadPlugins({ ...deps, dir: resolve(deps.config.MODULES_DIR) })
          : undefined;
        const app = buildService({
          ...deps,
          store,
          embedder,
          llm,
          activity,
          memoryStore,
          personas,
          ...(plugins ? { plugins } : {}),
        });
        return {
          ...app,
          async stop() {
            await app.stop?.();
            await llm?.close();
            await embedder.close();
            await store.close();
            await memoryStore.close();
          },
        };
      },
    },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
