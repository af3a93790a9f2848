import { CRAWL, CrawlRequest } from "@lumina/events";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { readGroups } from "./groups.ts";

/** What the crawl pipeline has not finished yet, read from Redis by anyone (the crawler owns it). */
export interface CrawlBacklog {
  /** BullMQ fetch jobs waiting for a worker (its `wait` list and `prioritized` set) */
  waiting: number;
  /** jobs waiting for their retry backoff */
  delayed: number;
  /** jobs a crawler is fetching now */
  active: number;
  /** titles seeded with `ZADD crawl:queue`, not yet moved into BullMQ */
  seeded: number;
  /** crawl:req entries the crawler group has not read yet (every entry before the group exists) */
  unread: number;
}

/** One BullMQ handle on the crawl queue per connection, made on first use (bullmq loads only then). */
const queues = new WeakMap<Redis, Promise<Queue>>();

function crawlQueue(redis: Redis): Promise<Queue> {
  let queue = queues.get(redis);
  if (!queue) {
    // A connection passed in is shared: BullMQ never closes it, so whoever opened it still does.
    queue = import("bullmq").then(({ Queue }) => new Queue(CRAWL.queueName, { connection: redis }));
    queues.set(redis, queue);
  }
  return queue;
}

/**
 * One reading of the crawl backlog: BullMQ's job counts for the crawl queue (its public API, which
 * honours its key prefix), the crawl:queue ZSET and the crawler group's lag on crawl:req.
 * `crawl_queue_depth` (and `lumina status`) is waiting + delayed + seeded.
 */
export async function readCrawlBacklog(redis: Redis): Promise<CrawlBacklog> {
  const [counts, seeded, groups] = await Promise.all([
    crawlQueue(redis).then((q) => q.getJobCounts("wait", "prioritized", "delayed", "active")),
    redis.zcard(CRAWL.zset),
    readGroups(redis, CrawlRequest.name),
  ]);
  const { wait = 0, prioritized = 0, delayed = 0, active = 0 } = counts;
  const crawler = groups.find((g) => g.name === "crawler");
  const unread = crawler ? (crawler.lag ?? 0) : await redis.xlen(CrawlRequest.name);
  return { waiting: wait + prioritized, delayed, active, seeded, unread };
}

/** The queue depth the crawler reports (`crawl_queue_depth`): not yet fetched, seeded included. */
export const crawlQueueDepth = (b: CrawlBacklog): number => b.waiting + b.delayed + b.seeded;

/** Nothing left to crawl: no job in any state, nothing seeded, every crawl:req read. */
export const crawlIdle = (b: CrawlBacklog): boolean =>
  b.waiting + b.delayed + b.active + b.seeded + b.unread === 0;
