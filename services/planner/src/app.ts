import { StreamConsumer } from "@lumina/bus";
import { GapRequest } from "@lumina/events";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import { Counter } from "prom-client";
import type { PlannerConfig } from "./config.ts";
import { handleGap } from "./handlers/gap-req.ts";

export type PlannerDeps = ServiceDeps<ConfigOf<typeof PlannerConfig>>;

/**
 * Turns gap:req into crawl:req. This build is the minimal planner: unanswered questions are crawled at
 * once; other gaps are kept, scored, in `gaps:topics`. Prioritising them (PageRank × novelty ×
 * recency), queue bounds and the crawl budget arrive with issue #5.
 */
export function buildService(deps: PlannerDeps): ServiceApp {
  const autoCrawls = new Counter({
    name: "auto_crawl_req_total",
    help: "crawl:req published by the planner",
    labelNames: ["reason"],
    registers: [deps.registry],
  });
  return {
    capabilities: ["consumes gap:req", "publishes crawl:req for unanswered questions (minimal planner)"],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis: deps.redis,
        contract: GapRequest,
        group: "planner",
        consumer: deps.consumerName,
        handler: (gap) => handleGap(gap, { redis: deps.redis, publisher: deps.publisher, autoCrawls }),
      }),
    ],
  };
}
