import { CrawlRequest, type EventOf } from "@lumina/events";
import { Redis } from "ioredis";
import pino from "pino";
import type { ConsumerOptions } from "../src/consumer.ts";
import { type DeliveryContext, StreamConsumer } from "../src/index.ts";

export const silent = pino({ level: "silent" });

export type Seen = { consumer: string; event: EventOf<typeof CrawlRequest>; ctx: DeliveryContext };

/** A crawl:req consumer with test-friendly timings; records what it handled in `seen`. */
export function crawlConsumer(
  redis: Redis,
  overrides: Partial<ConsumerOptions<typeof CrawlRequest>> & { group: string; consumer: string },
  seen: Seen[] = [],
) {
  return new StreamConsumer({
    redis,
    contract: CrawlRequest,
    logger: silent,
    blockMs: 100,
    reclaimIdleMs: 150,
    reclaimIntervalMs: 50,
    maxDeliveries: 3,
    handler: async (event, ctx) => {
      seen.push({ consumer: overrides.consumer, event, ctx });
    },
    ...overrides,
  });
}

export async function dlqEntries(redis: Redis, stream: string) {
  const entries = (await redis.xrange(`${stream}:dlq`, "-", "+")) as [string, string[]][];
  return entries.map(([, flat]) => Object.fromEntries(pairs(flat)));
}

function* pairs(flat: string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < flat.length; i += 2) yield [flat[i] as string, flat[i + 1] as string];
}

export async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  const summary = (await redis.xpending(stream, group)) as [number, ...unknown[]];
  return summary[0];
}

/** A test client; connection errors during deliberate Redis restarts are expected, not reported. */
export const connect = (url: string) => new Redis(url, { maxRetriesPerRequest: null }).on("error", () => {});
