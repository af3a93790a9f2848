import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { TrainerConfig } from "./config.ts";

export type TrainerDeps = ServiceDeps<ConfigOf<typeof TrainerConfig>>;

/**
 * Turns low-confidence qa:turn into LoRA datasets and adapters; publishes adapter:updated.
 * Not built yet (issue #5): this shell connects, reports health and consumes nothing, so no
 * event is acknowledged without its work being done.
 */
export function buildService(_deps: TrainerDeps): ServiceApp {
  return { capabilities: [] };
}
