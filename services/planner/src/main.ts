import { isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { buildService } from "./app.ts";
import { PlannerConfig } from "./config.ts";

export const NAME = "planner";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = PlannerConfig;
export const METRICS_PORT = 9304;

/** Starts the planner from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    { name: NAME, metricsPort: METRICS_PORT, config: PlannerConfig, build: buildService },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
