import * as compressor from "@lumina/compressor";
import * as crawler from "@lumina/crawler";
import * as indexer from "@lumina/indexer";
import * as memory from "@lumina/memory-service";
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

/**
 * Every service, in the order `lumina up` starts them: the front doors first, so that the chat API and
 * the page answer within seconds however large the backlog the indexer finds (in one process its work
 * would otherwise slow every later start); nothing is lost meanwhile, as consumer groups read from the
 * start of their streams.
 */
export const SERVICES: readonly ServiceModule[] = [
  ragWorker,
  wsBridge,
  memory,
  indexer,
  crawler,
  planner,
  scratchVm,
  compressor,
  trainer,
];

/** `rag-worker` → `RAG_WORKER_METRICS_PORT`: in one process each service needs its own metrics port. */
export const metricsPortVar = (name: string): string =>
  `${name.toUpperCase().replace(/-/g, "_")}_METRICS_PORT`;
