import { loadEmbedder } from "@lumina/embeddings";
import { openMemoryStore } from "@lumina/memory";
import { PersonaLibrary } from "@lumina/persona";
import { closingAlso, isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { openVectorStore } from "@lumina/vectors";
import { buildService } from "./app.ts";
import { MemoryConfig } from "./config.ts";

export const NAME = "memory";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = MemoryConfig;
export const METRICS_PORT = 9308;

/** Starts the memory service from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: MemoryConfig,
      build: async (deps) => {
        const personas = await PersonaLibrary.load(
          deps.config.PERSONAS_DIR || undefined,
          deps.config.PERSONA,
        );
        const store = await openMemoryStore(deps.config);
        const vectors = await openVectorStore(deps.config);
        const embedder = await loadEmbedder(deps.config, { lane: "interactive" });
        // What chat turns teach is embedded behind chat queries: nobody is waiting for it.
        const turnEmbedder = await loadEmbedder(deps.config, { lane: "background" });
        return closingAlso(
          buildService({ ...deps, store, vectors, embedder, turnEmbedder, personas }),
          turnEmbedder,
          embedder,
          vectors,
          store,
        );
      },
    },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
