import type { StreamPublisher } from "@lumina/bus";
import { CrawlRequest, type EventOf, type GapRequest } from "@lumina/events";
import type { Redis } from "ioredis";
import type { Counter } from "prom-client";
import { crawlNow } from "../domain/decide.ts";

export const GAPS_ZSET = "gaps:topics";

export interface GapDeps {
  redis: Redis;
  publisher: StreamPublisher;
  autoCrawls: Counter<"reason">;
}

/**
 * gap:req → the topic scored in `gaps:topics` (scores add up across requests), and a crawl:req at once
 * for questions Lumina could not answer. Idempotent enough for redelivery: a second crawl:req for the
 * same title is absorbed by the crawler's dedup and recrawl rules.
 */
export async function handleGap(gap: EventOf<typeof GapRequest>, deps: GapDeps): Promise<void> {
  const { redis } = deps;
  await redis.zincrby(GAPS_ZSET, gap.score ?? 1, gap.topic);
  const [read, missing] = await Promise.all([
    redis.sismember("kg:nodes", gap.topic),
    redis.sismember("crawl:missing", gap.topic),
  ]);
  if (!crawlNow({ reason: gap.reason, read: read === 1, missing: missing === 1 })) return;
  await deps.publisher.publish(CrawlRequest, {
    url: gap.topic,
    prio: 10,
    source: "planner",
    reason: `gap:${gap.reason}`,
  });
  await redis.zrem(GAPS_ZSET, gap.topic);
  deps.autoCrawls.inc({ reason: gap.reason });
}
