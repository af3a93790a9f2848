import { deadLetterStream } from "@lumina/events";
import type { Redis } from "ioredis";
import { toArgs } from "./redis.ts";

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
 * (gap:req has its own `reason`); `lumina dlq replay` strips them again.
 */
export const DLQ_FIELDS = [
  "dlq_reason",
  "dlq_deliveries",
  "dlq_source_id",
  "dlq_group",
  "dlq_consumer",
  "dlq_at",
];

/** Copies the entry to `<stream>:dlq` with the reason and acks the original, atomically (MULTI). */
export async function deadLetter(redis: Redis, dl: DeadLetter, maxLen: number): Promise<void> {
  const fields = {
    ...dl.fields,
    dlq_reason: dl.reason.slice(0, 2_000),
    dlq_deliveries: String(dl.deliveries),
    dlq_source_id: dl.id,
    dlq_group: dl.group,
    dlq_consumer: dl.consumer,
    dlq_at: new Date().toISOString(),
  };
  const results = await redis
    .multi()
    .xadd(deadLetterStream(dl.stream), "MAXLEN", "~", maxLen, "*", ...toArgs(fields))
    .xack(dl.stream, dl.group, dl.id)
    .exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw failed?.[0] ?? new Error("dead-letter transaction was aborted");
}
