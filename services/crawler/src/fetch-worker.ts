import {
  appendDeadLetter,
  describeError,
  LuminaError,
  NonRetryableError,
  type StreamPublisher,
} from "@lumina/bus";
import { GraphAdd } from "@lumina/events";
import type { Logger } from "@lumina/observability";
import { MissingPageError, type WikiSource } from "@lumina/wiki";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type CrawlJob, MISSING_SET, QUEUE_NAME, SEEN_HASH } from "./crawl-jobs.ts";
import { decodeSeen, encodeSeen, isFresh, isUnchanged } from "./domain/recrawl.ts";
import { toGraphAdd } from "./domain/to-event.ts";
import type { CrawlerMetrics } from "./metrics.ts";

export interface FetchWorkerDeps {
  redis: Redis;
  wiki: WikiSource;
  publisher: StreamPublisher;
  metrics: CrawlerMetrics;
  logger: Logger;
  concurrency: number;
  budgetPerHour: number;
  /** BullMQ lock duration and stalled-job check interval: how soon a dead crawler's fetches run again. */
  stallMs: number;
  recrawlDays: number;
  now?: () => number;
}

export type FetchOutcome = "published" | "recent" | "unchanged" | "missing";

/** Fetches one article: skip if read recently, fetch, publish graph:add unless the revision is unchanged. */
export async function crawlOne(job: CrawlJob, deps: FetchWorkerDeps): Promise<FetchOutcome> {
  const now = deps.now?.() ?? Date.now();
  const seen = decodeSeen(await deps.redis.hget(SEEN_HASH, job.title));
  if (isFresh(seen, now, deps.recrawlDays)) return "recent";
  const stopTimer = deps.metrics.fetchSeconds.startTimer();
  const article = await deps.wiki.fetchArticle(job.title).finally(stopTimer);
  const current =
    article.title === job.title ? seen : decodeSeen(await deps.redis.hget(SEEN_HASH, article.title));
  const record = encodeSeen({ revision: article.revision, fetchedAt: now });
  if (isUnchanged(current, article.revision)) {
    await deps.redis.hset(SEEN_HASH, job.title, record, article.title, record);
    return "unchanged";
  }
  await deps.publisher.publish(GraphAdd, toGraphAdd(article, new Date(now), job));
  // Recorded after publishing: a crash in between publishes again, which downstream upserts absorb.
  await deps.redis.hset(SEEN_HASH, job.title, record, article.title, record);
  deps.metrics.ingested.inc({ source: job.source });
  return "published";
}

/**
 * The BullMQ worker: CRAWL_CONCURRENCY fetches at once, at most CRAWL_BUDGET_PER_HR per hour across
 * every crawler replica (BullMQ's global rate limiter). A page the wiki does not have is recorded in
 * crawl:missing (a fact about the wiki, not a failure: the planner links to many). Refused titles fail
 * at once (no retries) and, like any crawl that failed for good, are recorded in crawl:req:dlq.
 */
export function startFetchWorker(deps: FetchWorkerDeps): Worker<CrawlJob, FetchOutcome> {
  const worker = new Worker<CrawlJob, FetchOutcome>(
    QUEUE_NAME,
    async (job) => {
      try {
        const outcome = await crawlOne(job.data, deps).catch(async (err: unknown) => {
          if (!(err instanceof MissingPageError)) throw err;
          // A fact about the wiki, not a failure: remembered, never asked for again by the planner.
          await deps.redis.sadd(MISSING_SET, job.data.title);
          deps.logger.debug({ title: job.data.title }, "not on the wiki");
          return "missing" as const;
        });
        if (outcome !== "published") deps.metrics.skipped.inc({ reason: outcome });
        return outcome;
      } catch (err) {
        deps.metrics.errors.inc({ kind: err instanceof LuminaError ? err.code : "unexpected" });
        if (err instanceof NonRetryableError) throw new UnrecoverableError(describeError(err));
        throw err;
      }
    },
    {
      connection: deps.redis,
      concurrency: deps.concurrency,
      limiter: { max: deps.budgetPerHour, duration: 3_600_000 },
      lockDuration: deps.stallMs,
      stalledInterval: deps.stallMs,
      // A fetch interrupted by crashes is run again, however often: BullMQ's default (1) would fail
      // a job that was interrupted twice, and that article would never be read.
      maxStalledCount: 1_000,
    },
  );
  worker.on("failed", (job, err) => {
    if (job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
      void recordFailure(deps, job, err).catch((e) =>
        deps.logger.error({ err: e }, "recording a failed crawl"),
      );
    }
  });
  worker.on("error", (err) => deps.logger.error({ err }, "crawl worker error"));
  return worker;
}

async function recordFailure(deps: FetchWorkerDeps, job: Job<CrawlJob>, err: Error): Promise<void> {
  deps.logger.warn(
    { title: job.data.title, attempts: job.attemptsMade, err: err.message },
    "crawl failed for good",
  );
  await appendDeadLetter(
    deps.redis,
    "crawl:req",
    {
      url: job.data.title,
      source: job.data.source,
      ...(job.data.why ? { why: job.data.why } : {}),
      ...(job.data.parent ? { parent: job.data.parent } : {}),
      ...(job.data.reason ? { reason: job.data.reason } : {}),
      ...(job.data.prio !== undefined ? { prio: String(job.data.prio) } : {}),
    },
    { reason: err.message, deliveries: job.attemptsMade, source: `bullmq:${QUEUE_NAME}` },
  );
}
