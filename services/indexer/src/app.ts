import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { IndexerConfig } from "./config.ts";

export type IndexerDeps = ServiceDeps<ConfigOf<typeof IndexerConfig>>;

/**
 * Chunks, embeds and indexes articles from graph:add; keeps the knowledge graph and PageRank; publishes gap:req.
 * Not built yet (issue #3): this shell connects, reports health and consumes nothing, so no
 * event is acknowledged without its work being done.
 */
export function buildService(_deps: IndexerDeps): ServiceApp {
  return { capabilities: [] };
}
