import { CHAT } from "@lumina/events";
import type { Redis } from "ioredis";

/** Marks people as chatting for `quietMs` (the rag-worker calls it on every chat request; never awaited on the request's path). */
export function markChatActive(redis: Redis, quietMs: number): void {
  redis.set(CHAT.active, "1", "PX", quietMs).catch(() => undefined);
}

/**
 * Background work calls this before each unit of work: it waits while people are chatting (the
 * rag-worker's chat:active key exists), at most `maxWaitMs`, so that reflection and compression leave
 * the CPU and the model to chat requests yet never starve. Returns the ms waited.
 */
export async function yieldToChat(redis: Redis, maxWaitMs: number, pollMs = 100): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < maxWaitMs && (await redis.exists(CHAT.active)) === 1)
    await new Promise((r) => setTimeout(r, pollMs));
  return Date.now() - started;
}
