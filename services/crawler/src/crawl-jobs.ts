import { createHash } from "node:crypto";
import { CRAWL, type PriorityTerms, type ReadReason } from "@lumina/events";
import type { Static } from "@sinclair/typebox";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { toJobPriority } from "./domain/priority.ts";

/** BullMQ queue names cannot contain ":". */
export const QUEUE_NAME = CRAWL.queueName;
export const CRAWL_ZSET = CRAWL.zset;
export const SEEN_HASH = CRAWL.seen;
export const MISSING_SET = CRAWL.missing;

export interface CrawlJob {
  title: string;
  source: string;
  reason?: string;
  /** why it is read, carried on to graph:add (`provenance`) and the node */
  why?: Static<typeof ReadReason>;
  parent?: string;
  terms?: Static<typeof PriorityTerms>;
  /** the request's prio, kept for its dead letter should it fail */
  prio?: number;
}

/** One job per normalised title: BullMQ ignores an add whose id is already queued (dedup). */
export const jobIdFor = (title: string): string =>
  `t-${createHash("sha1").update(title).digest("hex").slice(0, 20)}`;

/** The crawl queue: dedup by title, priority, retries with exponential backoff. */
export class CrawlJobs {
  readonly queue: Queue<CrawlJob>;
  readonly #attempts: number;

  constructor(connection: Redis, attempts: number) {
    this.queue = new Queue<CrawlJob>(QUEUE_NAME, { connection });
    this.#attempts = attempts;
  }

  /**
   * Queues `job` unless one for the same title is queued or running (dedup). A title whose last crawl
   * failed for good (its job kept for inspection) is queued afresh: asking again means trying again
   * (`lumina dlq replay`, `lumina seed`). Returns what happened.
   */
  async enqueue(job: CrawlJob, prio?: number): Promise<"queued" | "retried" | "already queued"> {
    const jobId = jobIdFor(job.title);
    const previous = await this.queue.getJob(jobId);
    const failed = previous ? (await previous.getState()) === "failed" : false;
    if (previous && failed)
      await previous.remove().catch(() => undefined); // another replica's retry got there first
    else if (previous) return "already queued";
    await this.queue.add(
      "fetch",
      { ...job, ...(prio !== undefined ? { prio } : {}) },
      {
        jobId,
        priority: toJobPriority(prio),
        attempts: this.#attempts,
        backoff: { type: "exponential", delay: 2_000 },
        removeOnComplete: true, // finished titles may be asked for again later (recrawl)
        removeOnFail: 1_000,
      },
    );
    return failed ? "retried" : "queued";
  }

  /** Jobs not yet fetched: waiting, prioritized and delayed (retry backoff). */
  async depth(): Promise<number> {
    return this.queue.getJobCountByTypes("waiting", "prioritized", "delayed");
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
