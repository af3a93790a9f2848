import type { ReadyReport } from "@lumina/observability";

/** What a service's `buildService(deps)` returns: its wiring, not yet started. */
export interface ServiceApp {
  /** Started after `start()`, stopped before `stop()`. */
  consumers?: { start(): Promise<void>; stop(): Promise<void> }[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Extra /readyz content: the service's own dependencies, adapters and fallbacks. */
  readiness?(): Promise<Partial<Pick<ReadyReport, "checks" | "adapters" | "fallbacks">>>;
  /** Streams consumed and endpoints served in this build; an empty list says the service is a shell. */
  capabilities: string[];
  /** URLs the service serves besides its metrics port (chat API, WebSocket), known after start(). */
  urls?(): Record<string, string>;
}

/** A started service, as the one-process runner and standalone mains hold it. */
export interface RunningService {
  readonly name: string;
  readonly urls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * `app`, whose stop() also closes `resources` (in order) after the app's own stop: for what a main.ts
 * built for the app (vector store, embedder, model), since whoever builds a resource closes it.
 */
export function closingAlso(app: ServiceApp, ...resources: { close(): Promise<unknown> }[]): ServiceApp {
  return {
    ...app,
    async stop() {
      await app.stop?.();
      for (const r of resources) await r.close();
    },
  };
}
