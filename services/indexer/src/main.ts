import { loadEmbedder } from "@lumina/embeddings";
import { closingAlso, isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { openVectorStore } from "@lumina/vectors";
import { buildService } from "./app.ts";
import { IndexerConfig } from "./config.ts";

export { type ReindexProgress, reindex } from "./reindex.ts";
export { type Difference, type VerifyReport, verifyConsistency } from "./verify.ts";

export const NAME = "indexer";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = IndexerConfig;
export const METRICS_PORT = 9301;

/** Starts the indexer from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: IndexerConfig,
      build: async (deps) => {
        const embedder = await loadEmbedder(deps.config);
        if (embedder.fallback)
          deps.logger.warn(
            { embedder: embedder.modelId },
            "using a lexical stand-in embedder, not a semantic model",
          );
        const store = await openVectorStore(deps.config, { annMinRows: deps.config.ANN_INDEX_MIN_CHUNKS });
        return closingAlso(buildService({ ...deps, store, embedder }), store, embedder);
      },
    },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
