import { loadEmbedder } from "@lumina/embeddings";
import { closingAlso, isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { buildService } from "./app.ts";
import { PlannerConfig } from "./config.ts";

export const NAME = "planner";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = PlannerConfig;
export const METRICS_PORT = 9304;

/** Starts the planner from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: PlannerConfig,
      build: async (deps) => {
        if (deps.config.PLAN_RELEVANCE === "off") return buildService(deps);
        const embedder = await loadEmbedder(deps.config);
        return closingAlso(buildService({ ...deps, embedder }), embedder);
      },
    },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
