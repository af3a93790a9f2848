import { isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { buildService } from "./app.ts";
import { IndexerConfig } from "./config.ts";

export const NAME = "indexer";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = IndexerConfig;
export const METRICS_PORT = 9301;

/** Starts the indexer from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    { name: NAME, metricsPort: METRICS_PORT, config: IndexerConfig, build: buildService },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
