import { readGroups } from "@lumina/bus";
import { CRAWL, CrawlRequest } from "@lumina/events";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * The crawl queue depth as the crawler reports it (`crawl_queue_depth`: BullMQ jobs waiting, prioritized
 * or delayed, plus the crawl:queue ZSET), plus crawl:req entries the crawler has not read yet, so that
 * what the planner just sent counts before the crawler picks it up.
 */
export class CrawlQueueDepth {
  readonly #queue: Queue;

  constructor(private readonly redis: Redis) {
    this.#queue = new Queue(CRAWL.queueName, { connection: redis });
  }

  async read(): Promise<number> {
    const [jobs, seeded, unread] = await Promise.all([
      this.#queue.getJobCountByTypes("waiting", "prioritized", "delayed"),
      this.redis.zcard(CRAWL.zset),
      this.#unreadCrawlRequests(),
    ]);
    return jobs + seeded + unread;
  }

  /**
   * The crawler group's lag on crawl:req (Redis ≥ 7). Before the crawler first starts there is no group;
   * it will be created from the stream's start, so every entry is still unread.
   */
  async #unreadCrawlRequests(): Promise<number> {
    const crawler = (await readGroups(this.redis, CrawlRequest.name)).find((g) => g.name === "crawler");
    if (crawler) return crawler.lag ?? 0;
    return this.redis.xlen(CrawlRequest.name);
  }

  close(): Promise<void> {
    return this.#queue.close();
  }
}
