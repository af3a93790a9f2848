import type { Redis } from "ioredis";
import { LuaScript } from "./lua-script.ts";

const RELEASE = LuaScript.fromFile(new URL("./lua/release-lock.lua", import.meta.url));

/**
 * Runs `fn` holding the Redis lock `key` (SET NX PX `ttlMs`, released only by its holder), so that
 * replicas of a service never do the same singular work at once. False, without running `fn`, when
 * another holder has it; the TTL frees a lock whose holder died.
 */
export async function withRedisLock(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: () => Promise<void>,
): Promise<boolean> {
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  if ((await redis.set(key, token, "PX", ttlMs, "NX")) !== "OK") return false;
  try {
    await fn();
  } finally {
    await RELEASE.run(redis, [key], [token]);
  }
  return true;
}
