import { PADS } from "@lumina/events";
import type { Redis } from "ioredis";
import type { PadFolder } from "./folder.ts";

/** Folds every pad whose deadline is within `safetyMs`, finished or not, before Redis expires it. */
export async function sweepDeadlines(redis: Redis, folder: PadFolder, safetyMs: number): Promise<number> {
  const due = await redis.zrangebyscore(PADS.deadlines, "-inf", Date.now() + safetyMs, "LIMIT", 0, 100);
  for (const padId of due) await folder.foldNow(padId);
  return due.length;
}
