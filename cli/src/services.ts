import * as compressor from "@lumina/compressor";
import * as crawler from "@lumina/crawler";
import * as indexer from "@lumina/indexer";
import * as planner from "@lumina/planner";
import * as ragWorker from "@lumina/rag-worker";
import type { RunningService } from "@lumina/runtime";
import * as scratchVm from "@lumina/scratch-vm";
import * as trainer from "@lumina/trainer";
import * as wsBridge from "@lumina/ws-bridge";
import type { TObject } from "@sinclair/typebox";

export interface ServiceModule {
  NAME: string;
  METRICS_PORT: number;
  CONFIG: TObject;
  start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService>;
}

/** Every service, in the order `lumina up` starts them (consumers before the HTTP front doors). */
export const SERVICES: readonly ServiceModule[] = [
  indexer,
  crawler,
  planner,
  scratchVm,
  compressor,
  trainer,
  ragWorker,
  wsBridge,
];

/** `rag-worker` → `RAG_WORKER_METRICS_PORT`: in one process each service needs its own metrics port. */
export const metricsPortVar = (name: string): string =>
  `${name.toUpperCase().replace(/-/g, "_")}_METRICS_PORT`;
