import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { PlannerConfig } from "./config.ts";

export type PlannerDeps = ServiceDeps<ConfigOf<typeof PlannerConfig>>;

/**
 * Turns gap:req into prioritised crawl:req within the crawl budget.
 * Not built yet (issue #5): this shell connects, reports health and consumes nothing, so no
 * event is acknowledged without its work being done.
 */
export function buildService(_deps: PlannerDeps): ServiceApp {
  return { capabilities: [] };
}
