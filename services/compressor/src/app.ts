import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { CompressorConfig } from "./config.ts";

export type CompressorDeps = ServiceDeps<ConfigOf<typeof CompressorConfig>>;

/**
 * Folds finished scratchpads into long-term memory (scratch_mem); publishes pad:compressed.
 * Not built yet (issue #5): this shell connects, reports health and consumes nothing, so no
 * event is acknowledged without its work being done.
 */
export function buildService(_deps: CompressorDeps): ServiceApp {
  return { capabilities: [] };
}
