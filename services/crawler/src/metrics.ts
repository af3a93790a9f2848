import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export function createCrawlerMetrics(registry: Registry, queueDepth: () => Promise<number>) {
  return {
    ingested: new Counter({
      name: "articles_ingested_total",
      help: "Articles fetched, parsed and published on graph:add, by who asked (user, planner, cli …)",
      labelNames: ["source"],
      registers: [registry],
    }),
    skipped: new Counter({
      name: "crawl_skipped_total",
      help: "Crawl requests not fetched or not published: recent (read within RECRAWL_DAYS), unchanged revision, missing (not on the wiki)",
      labelNames: ["reason"],
      registers: [registry],
    }),
    errors: new Counter({
      name: "crawl_errors_total",
      help: "Failed fetch attempts by kind (error code)",
      labelNames: ["kind"],
      registers: [registry],
    }),
    fetchSeconds: new Histogram({
      name: "crawl_fetch_duration_seconds",
      help: "Time to fetch and parse one article, retries included",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "crawl_queue_depth",
      help: "Articles waiting to be fetched: BullMQ jobs waiting or delayed plus the crawl:queue ZSET",
      registers: [registry],
      async collect() {
        this.set(await queueDepth());
      },
    }),
  };
}

export type CrawlerMetrics = ReturnType<typeof createCrawlerMetrics>;
