import { isMain, type RunningService, runMain, startService } from "@lumina/runtime";
import { buildService } from "./app.ts";
import { WsBridgeConfig } from "./config.ts";

/** What WebSocket /stream sends, one JSON object per message (docs/graph-page.md). */
export type { Frame } from "./domain/frames.ts";

export const NAME = "ws-bridge";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = WsBridgeConfig;
export const METRICS_PORT = 9306;

/** Starts the ws-bridge from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    { name: NAME, metricsPort: METRICS_PORT, config: WsBridgeConfig, build: buildService },
    env,
  );
}

if (isMain(import.meta.url)) runMain(NAME, start);
