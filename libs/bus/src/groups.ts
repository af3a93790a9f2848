import type { Redis } from "ioredis";

export interface GroupInfo {
  name: string;
  /** delivered to a consumer, not acknowledged */
  pending: number;
  /** not delivered yet; null when Redis cannot tell (after deletions) */
  lag: number | null;
}

/** The consumer groups of `stream` (XINFO GROUPS, Redis ≥ 7 for `lag`); none when the stream does not exist. */
export async function readGroups(redis: Redis, stream: string): Promise<GroupInfo[]> {
  const groups = (await redis.xinfo("GROUPS", stream).catch(() => [])) as (string | number | null)[][];
  return groups.map((flat) => {
    const info = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) info.set(flat[i], flat[i + 1]);
    const lag = info.get("lag");
    return {
      name: String(info.get("name")),
      pending: Number(info.get("pending") ?? 0),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}
