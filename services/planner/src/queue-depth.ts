import { crawlQueueDepth, readCrawlBacklog } from "@lumina/bus";
import type { Redis } from "ioredis";

/**
 * The crawl queue depth as the crawler reports it (`crawl_queue_depth`: BullMQ jobs waiting, prioritized
 * or delayed, plus the crawl:queue ZSET), plus crawl:req entries the crawler has not read yet, so that
 * what the planner just sent counts before the crawler picks it up.
 */
export class CrawlQueueDepth {
  constructor(private readonly redis: Redis) {}

  async read(): Promise<number> {
    const backlog = await readCrawlBacklog(this.redis);
    return crawlQueueDepth(backlog) + backlog.unread;
  }
}
