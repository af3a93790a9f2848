import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { CrawlerConfig } from "./config.ts";

export type CrawlerDeps = ServiceDeps<ConfigOf<typeof CrawlerConfig>>;

/**
 * Reads Wikipedia articles requested on crawl:req and the crawl:queue ZSET; publishes graph:add.
 * Not built yet (issue #3): this shell connects, reports health and consumes nothing, so no
 * event is acknowledged without its work being done.
 */
export function buildService(_deps: CrawlerDeps): ServiceApp {
  return { capabilities: [] };
}
