import { StreamConsumer } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { GAPS, GapRequest } from "@lumina/events";
import { timedCheck } from "@lumina/observability";
import { type ConfigOf, Periodic, type ServiceApp, type ServiceDeps } from "@lumina/runtime";
import { Counter, Gauge } from "prom-client";
import type { PlannerConfig } from "./config.ts";
import { GapStore } from "./gap-store.ts";
import { handleGap } from "./handlers/gap-req.ts";
import { Planner } from "./planner.ts";
import { CrawlQueueDepth } from "./queue-depth.ts";
import { RelevanceScorer } from "./relevance.ts";

export type PlannerDeps = ServiceDeps<ConfigOf<typeof PlannerConfig>> & {
  /** embeds candidate titles and interests for the relevance term; none: relevance off */
  embedder?: Embedder;
};

/**
 * gap:req → the gap store; planning rounds turn the best gaps (PageRank × novelty × recency × relevance) into
 * crawl:req, keeping the crawl queue within [QUEUE_MIN, QUEUE_MAX] and under CRAWL_BUDGET_PER_HR.
 */
export function buildService(deps: PlannerDeps): ServiceApp {
  const { config, redis, logger } = deps;
  const store = new GapStore(redis);
  const depth = new CrawlQueueDepth(redis);
  const planner = buildPlanner(deps, store, depth);
  registerGapGauge(deps);
  // Every QUEUE_CHECK_MS: a top-up if the queue runs low; every PLAN_INTERVAL_S: a scheduled round.
  let lastScheduled = 0;
  const loop = new Periodic(
    () => {
      const scheduled = Date.now() - lastScheduled >= config.PLAN_INTERVAL_S * 1_000;
      if (scheduled) lastScheduled = Date.now();
      return planner.plan(scheduled);
    },
    { intervalMs: config.QUEUE_CHECK_MS, logger, what: "planning round" },
  );
  return {
    capabilities: [
      "consumes gap:req",
      "publishes crawl:req by priority (PageRank × novelty × recency × relevance) within queue bounds and budget",
    ],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis,
        contract: GapRequest,
        group: "planner",
        consumer: deps.consumerName,
        handler: (gap) => handleGap(gap, { store, planner }),
      }),
    ],
    async start() {
      loop.start();
    },
    async stop() {
      await loop.stop();
    },
    readiness: async () => ({
      checks: { crawl_queue: await timedCheck(() => depth.read()) },
      adapters: { relevance: deps.embedder ? `on (${deps.embedder.modelId})` : "off" },
      fallbacks: deps.embedder?.fallback
        ? [`relevance uses ${deps.embedder.modelId}, a lexical stand-in: titles must share words to be close`]
        : [],
    }),
  };
}

/** The planner with its metrics, its relevance scorer (when an embedder is given) and its settings. */
function buildPlanner(deps: PlannerDeps, store: GapStore, depth: CrawlQueueDepth): Planner {
  const { config, redis, registry } = deps;
  const relevance = deps.embedder
    ? new RelevanceScorer(redis, deps.embedder, {
        halfLifeMs: config.INTEREST_HALF_LIFE_S * 1_000,
        capacity: config.PLAN_VECTOR_CACHE,
      })
    : undefined;
  return new Planner(
    {
      store,
      depth,
      publisher: deps.publisher,
      logger: deps.logger,
      autoCrawls: new Counter({
        name: "auto_crawl_req_total",
        help: "crawl:req published by the planner, by reason (planned, low_confidence, unknown, manual)",
        labelNames: ["reason"],
        registers: [registry],
      }),
      ...(relevance ? { relevance } : {}),
      budgetLeft: new Gauge({
        name: "planner_crawl_budget_remaining",
        help: "crawl:req the planner may still send in the current budget window",
        registers: [registry],
      }),
    },
    {
      queueMin: config.QUEUE_MIN,
      queueMax: Math.max(config.QUEUE_MIN, config.QUEUE_MAX),
      budget: config.CRAWL_BUDGET_PER_HR,
      budgetWindowMs: config.CRAWL_BUDGET_WINDOW_S * 1_000,
      halfLifeH: config.GAP_HALF_LIFE_H,
      retryMs: config.GAP_RETRY_S * 1_000,
      candidates: config.PLAN_CANDIDATES,
      relevanceRatio: deps.embedder ? config.PLAN_RELEVANCE_RATIO : 0,
    },
  );
}

function registerGapGauge({ redis, registry }: PlannerDeps): void {
  new Gauge({
    name: "planner_gaps",
    help: "topics waiting in the gap store (gaps:topics)",
    registers: [registry],
    async collect() {
      this.set(await redis.zcard(GAPS.topics));
    },
  });
}
