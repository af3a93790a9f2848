import { KG } from "@lumina/events";
import { linkStats, summariesOf } from "@lumina/graph";
import type { Redis } from "ioredis";
import type { ReflectionContext } from "./domain/reflection.ts";

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
  const stats = await linkStats(redis, linked);
  const best = stats
    .filter((s) => s.known)
    .sort((a, b) => b.pagerank - a.pagerank)
    .slice(0, limit);
  const summaries = await summariesOf(
    redis,
    best.map((b) => b.title),
  );
  return {
    neighbours: best.map((b, i) => ({ title: b.title, summary: summaries[i] ?? "" })),
    unread: stats
      .filter((s) => !s.known)
      .sort((a, b) => b.inDegree - a.inDegree)
      .map((u) => u.title),
  };
}
