import { StreamConsumer } from "@lumina/bus";
import { CrawlRequest } from "@lumina/events";
import { timedCheck } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { WikiSource } from "@lumina/wiki";
import type { Worker } from "bullmq";
import type { CrawlerConfig } from "./config.ts";
import { CRAWL_ZSET, CrawlJobs } from "./crawl-jobs.ts";
import { startFetchWorker } from "./fetch-worker.ts";
import { handleCrawlRequest } from "./handlers/crawl-req.ts";
import { createCrawlerMetrics } from "./metrics.ts";
import { ZsetDrain } from "./zset-drain.ts";

export type CrawlerDeps = ServiceDeps<ConfigOf<typeof CrawlerConfig>> & { wiki: WikiSource };

/** crawl:req and crawl:queue → BullMQ crawl queue → WikiSource → graph:add. */
export function buildService(deps: CrawlerDeps): ServiceApp {
  const { config, redis, logger, wiki } = deps;
  const jobs = new CrawlJobs(redis, config.CRAWL_ATTEMPTS);
  const metrics = createCrawlerMetrics(
    deps.registry,
    async () => (await jobs.depth()) + (await redis.zcard(CRAWL_ZSET)),
  );
  const drain = new ZsetDrain({
    redis,
    jobs,
    wikiHost: wiki.host,
    logger,
    intervalMs: config.CRAWL_QUEUE_POLL_MS,
  });
  let worker: Worker | undefined;
  return {
    capabilities: ["consumes crawl:req", "drains crawl:queue", "publishes graph:add"],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis,
        contract: CrawlRequest,
        group: "crawler",
        consumer: deps.consumerName,
        handler: (event, ctx) => handleCrawlRequest(event, ctx, { jobs, wikiHost: wiki.host, logger }),
      }),
    ],
    async start() {
      worker = startFetchWorker({
        redis,
        wiki,
        publisher: deps.publisher,
        metrics,
        logger,
        concurrency: config.CRAWL_CONCURRENCY,
        budgetPerHour: config.CRAWL_BUDGET_PER_HR,
        stallMs: config.CRAWL_STALL_MS,
        recrawlDays: config.RECRAWL_DAYS,
      });
      drain.start();
    },
    async stop() {
      await drain.stop();
      await worker?.close();
      await jobs.close();
    },
    readiness: async () => ({
      adapters: { wiki: config.WIKI_API_URL },
      checks: { queue: await timedCheck(() => jobs.depth()) },
    }),
  };
}
