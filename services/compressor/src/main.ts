import { isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { buildService } from "./app.ts";
import { CompressorConfig } from "./config.ts";

export const NAME = "compressor";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = CompressorConfig;
export const METRICS_PORT = 9305;

/** Starts the compressor from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    { name: NAME, metricsPort: METRICS_PORT, config: CompressorConfig, build: buildService },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
