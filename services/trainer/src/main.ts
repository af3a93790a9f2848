import { isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { buildService } from "./app.ts";
import { TrainerConfig } from "./config.ts";
import { defaultLlmPath } from "@lumina/llm/default-model";

export const NAME = "trainer";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = TrainerConfig;
export const METRICS_PORT = 9307;

/** Starts the trainer from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: TrainerConfig,
      build: (deps) => {
        const baseModel = deps.config.TRAIN_BASE_MODEL || defaultLlmPath(deps.config.DATA_DIR);
        if (!deps.config.TRAIN_CMD)
          deps.logger.warn(
            "training is off (no TRAIN_CMD): low-confidence turns become datasets, not adapters",
          );
        return buildService({ ...deps, baseModel });
      },
    },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
