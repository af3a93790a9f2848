import { deadLetterStream } from "@lumina/events";
import type { Redis } from "ioredis";
import { execReplies, toArgs } from "./redis.ts";

export interface DeadLetter {
  stream: string;
  group: string;
  consumer: string;
  id: string;
  fields: Record<string, string>;
  reason: string;
  deliveries: number;
}

/**
 * Fields added to a dead-lettered entry. Prefixed so they never collide with the event's own fields
 * (gap:req has its own `reason`). `dlq_source` says where the request was when it failed (a consumer
 * group, the crawl:queue ZSET, a BullMQ queue); `dlq_source_id` is its stream id, when it had one.
 */
export const DLQ_FIELDS = [
  "dlq_reason",
  "dlq_deliveries",
  "dlq_source",
  "dlq_source_id",
  "dlq_group",
  "dlq_consumer",
  "dlq_at",
];

export interface DeadLetterMeta {
  reason: string;
  deliveries: number;
  source: string;
  sourceId?: string;
  group?: string;
  consumer?: string;
}

/** The original fields plus the dlq_* fields saying why and where it failed. */
export function deadLetterFields(
  fields: Record<string, string>,
  meta: DeadLetterMeta,
): Record<string, string> {
  const out: Record<string, string> = {
    ...fields,
    dlq_reason: meta.reason.slice(0, 2_000),
    dlq_deliveries: String(meta.deliveries),
    dlq_source: meta.source,
    dlq_at: new Date().toISOString(),
  };
  if (meta.sourceId) out.dlq_source_id = meta.sourceId;
  if (meta.group) out.dlq_group = meta.group;
  if (meta.consumer) out.dlq_consumer = meta.consumer;
  return out;
}

/**
 * Records in `<stream>:dlq` a request that failed somewhere other than a stream consumer (a ZSET
 * member, a job that failed for good), so that every lost request is visible in one place.
 */
export async function appendDeadLetter(
  redis: Redis,
  stream: string,
  fields: Record<string, string>,
  meta: DeadLetterMeta,
  maxLen = 10_000,
): Promise<void> {
  await redis.xadd(
    deadLetterStream(stream),
    "MAXLEN",
    "~",
    maxLen,
    "*",
    ...toArgs(deadLetterFields(fields, meta)),
  );
}

/** Copies a consumed entry to `<stream>:dlq` with the reason and acks the original, atomically (MULTI). */
export async function deadLetter(redis: Redis, dl: DeadLetter, maxLen: number): Promise<void> {
  const fields = deadLetterFields(dl.fields, {
    reason: dl.reason,
    deliveries: dl.deliveries,
    source: `${dl.stream} group ${dl.group}`,
    sourceId: dl.id,
    group: dl.group,
    consumer: dl.consumer,
  });
  const results = await redis
    .multi()
    .xadd(deadLetterStream(dl.stream), "MAXLEN", "~", maxLen, "*", ...toArgs(fields))
    .xack(dl.stream, dl.group, dl.id)
    .exec();
  execReplies(results, "the dead-letter transaction");
}
