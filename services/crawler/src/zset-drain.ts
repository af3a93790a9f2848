import { appendDeadLetter } from "@lumina/bus";
import type { Logger } from "@lumina/observability";
import { Periodic } from "@lumina/runtime";
import { InvalidTitleError, normalizeTitle } from "@lumina/wiki";
import type { Redis } from "ioredis";
import { CRAWL_ZSET, type CrawlJobs } from "./crawl-jobs.ts";
import { scoreToPrio } from "./domain/priority.ts";

/**
 * Moves titles seeded with `ZADD crawl:queue <score> <title>` into the crawl queue. Members are removed
 * only after their job was added (a crash in between re-adds them, and the job id dedups), so nothing
 * seeded is lost. An invalid member goes to crawl:req:dlq with its reason.
 */
export class ZsetDrain {
  readonly #loop: Periodic;

  constructor(
    private readonly deps: {
      redis: Redis;
      jobs: CrawlJobs;
      wikiHost: string;
      logger: Logger;
      intervalMs: number;
    },
  ) {
    this.#loop = new Periodic(() => this.drainOnce(), {
      intervalMs: deps.intervalMs,
      logger: deps.logger,
      what: "draining crawl:queue",
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Moves up to `batch` members; returns how many were taken. */
  async drainOnce(batch = 100): Promise<number> {
    const { redis, jobs, wikiHost } = this.deps;
    const flat = await redis.zrange(CRAWL_ZSET, 0, batch - 1, "WITHSCORES");
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const member = flat[i] as string;
      try {
        await jobs.enqueue(
          { title: normalizeTitle(member, wikiHost), source: "crawl:queue", why: "seed" },
          scoreToPrio(Number(flat[i + 1])),
        );
      } catch (err) {
        if (!(err instanceof InvalidTitleError)) throw err;
        await appendDeadLetter(
          redis,
          "crawl:req",
          { url: member },
          {
            reason: `${err.code}: ${err.message}`,
            deliveries: 1,
            source: CRAWL_ZSET,
          },
        );
      }
      await redis.zrem(CRAWL_ZSET, member);
    }
    return flat.length / 2;
  }
}
