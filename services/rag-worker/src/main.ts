import { isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { buildService } from "./app.ts";
import { RagWorkerConfig } from "./config.ts";

export const NAME = "rag-worker";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = RagWorkerConfig;
export const METRICS_PORT = 9302;

/** Starts the rag-worker from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    { name: NAME, metricsPort: METRICS_PORT, config: RagWorkerConfig, build: buildService },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
