import { LuaScript } from "@lumina/bus";
import { KG } from "@lumina/events";
import type { Redis } from "ioredis";
import type { ReflectionContext } from "./domain/reflection.ts";

/**
 * For each linked title, in one round trip: read or not, its PageRank (nil if none), its in-degree.
 * KEYS: the node set, the PageRank ZSET, then each title's in-link set; ARGV: the titles.
 */
const LINKED_STATS = new LuaScript(`
local out = {}
for i = 1, #ARGV do
  out[3 * i - 2] = redis.call("sismember", KEYS[1], ARGV[i])
  out[3 * i - 1] = redis.call("zscore", KEYS[2], ARGV[i])
  out[3 * i] = redis.call("scard", KEYS[i + 2])
end
return out`);

/**
 * What the knowledge graph holds around an article: read articles it links to or that link to it
 * (best PageRank first, with their summaries), and the linked titles not read yet (most linked-to first).
 */
export async function graphNeighbours(
  redis: Redis,
  title: string,
  links: string[],
  limit: number,
): Promise<Pick<ReflectionContext, "neighbours" | "unread">> {
  const linked = [...new Set([...links, ...(await redis.smembers(KG.in(title)))])].filter((t) => t !== title);
  if (linked.length === 0) return { neighbours: [], unread: [] };
  const r = (await LINKED_STATS.run(redis, [KG.nodes, KG.pagerank, ...linked.map(KG.in)], linked)) as (
    number | string | null
  )[];
  const read: { title: string; rank: number }[] = [];
  const unread: { title: string; inDegree: number }[] = [];
  linked.forEach((t, i) => {
    if (r[3 * i] === 1) read.push({ title: t, rank: Number(r[3 * i + 1] ?? 0) });
    else unread.push({ title: t, inDegree: Number(r[3 * i + 2] ?? 0) });
  });
  const best = read.sort((a, b) => b.rank - a.rank).slice(0, limit);
  const summaries =
    best.length > 0
      ? await summariesOf(
          redis,
          best.map((b) => b.title),
        )
      : [];
  return {
    neighbours: best.map((b, i) => ({ title: b.title, summary: summaries[i] ?? "" })),
    unread: unread.sort((a, b) => b.inDegree - a.inDegree).map((u) => u.title),
  };
}

async function summariesOf(redis: Redis, titles: string[]): Promise<string[]> {
  const p = redis.pipeline();
  for (const t of titles) p.hget(KG.node(t), "summary");
  return ((await p.exec()) ?? []).map(([, v]) => (typeof v === "string" ? v : ""));
}
