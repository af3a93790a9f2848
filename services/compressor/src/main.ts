import { loadEmbedder } from "@lumina/embeddings";
import { closingAlso, isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { openVectorStore } from "@lumina/vectors";
import { buildService } from "./app.ts";
import { CompressorConfig } from "./config.ts";

export const NAME = "compressor";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = CompressorConfig;
export const METRICS_PORT = 9305;

/** Starts the compressor from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: CompressorConfig,
      build: async (deps) => {
        // Folding can wait for a burst of reading to end: chat and indexing embed first.
        const embedder = await loadEmbedder(deps.config, { lane: "idle" });
        const store = await openVectorStore(deps.config);
        return closingAlso(buildService({ ...deps, store, embedder }), store, embedder);
      },
    },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
