import type { Redis } from "ioredis";
import { toFields } from "./redis.ts";

export interface RawEntry {
  id: string;
  fields: Record<string, string>;
  deliveries: number;
}

/**
 * Claims entries pending longer than `minIdleMs` in `group` (whoever holds them) for `consumer`, one
 * page at a time, with their delivery counts (already incremented by the claim). XAUTOCLAIM does not
 * report counts, so each page is followed by one XPENDING over the claimed id range.
 */
export async function* claimStale(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  pageSize: number,
): AsyncGenerator<RawEntry[]> {
  let cursor = "0-0";
  do {
    const [next, claimed] = (await redis.xautoclaim(
      stream,
      group,
      consumer,
      minIdleMs,
      cursor,
      "COUNT",
      pageSize,
    )) as [string, ([string, string[]] | null)[]];
    cursor = next;
    const entries = claimed.filter((e): e is [string, string[]] => e !== null && Array.isArray(e[1]));
    if (entries.length === 0) continue;
    const first = entries[0]?.[0] as string;
    const last = entries[entries.length - 1]?.[0] as string;
    const pending = (await redis.xpending(stream, group, first, last, entries.length + 1_000, consumer)) as [
      string,
      string,
      number,
      number,
    ][];
    const counts = new Map(pending.map(([id, , , deliveries]) => [id, deliveries]));
    yield entries.map(([id, flat]) => ({ id, fields: toFields(flat), deliveries: counts.get(id) ?? 1 }));
  } while (cursor !== "0-0");
}
