import type { EmbedderSettings } from "../config.ts";

/**
 * Which queue a caller's texts go to: chat queries first (`interactive`), then indexing
 * (`background`), then work that can wait for a burst of reading to end (`idle`: folding reflections;
 * the planner stays on `background`, since it feeds the crawl queue).
 */
export type Lane = "interactive" | "background" | "idle";

/** What a thread is started with (its `workerData`). */
export interface ThreadSetup {
  config: EmbedderSettings;
  /** Background threads lower their own scheduling priority, so that chat and HTTP go first. */
  background: boolean;
}

/** The embedder a thread loaded, as the pool's callers see it. */
export interface ModelInfo {
  modelId: string;
  dimension: number;
  fallback: boolean;
}

export interface ErrorReply {
  code: string;
  message: string;
  retryable: boolean;
}

export type ToThread = { id: number; texts: string[] };

export type FromThread =
  | ({ type: "ready" } & ModelInfo)
  | ({ type: "failed" } & ErrorReply)
  | { type: "done"; id: number; flat: Float32Array }
  | ({ type: "error"; id: number } & ErrorReply);
