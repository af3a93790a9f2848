import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { ScratchVmConfig } from "./config.ts";

export type ScratchVmDeps = ServiceDeps<ConfigOf<typeof ScratchVmConfig>>;

/**
 * Writes reflection notes about new articles into TTL scratchpads; publishes think:note.
 * Not built yet (issue #5): this shell connects, reports health and consumes nothing, so no
 * event is acknowledged without its work being done.
 */
export function buildService(_deps: ScratchVmDeps): ServiceApp {
  return { capabilities: [] };
}
