import { LuaScript } from "@lumina/bus";
import { KG } from "@lumina/events";
import type { Redis } from "ioredis";

const LINK_STATS = LuaScript.fromFile(new URL("./lua/link-stats.lua", import.meta.url));

export interface LinkStat {
  title: string;
  /** whether Lumina has read it (a node of the graph) */
  known: boolean;
  /** its PageRank; 0 when not ranked yet */
  pagerank: number;
  /** how many read articles link to it */
  inDegree: number;
}

/** For each title: read or not, its PageRank and in-degree, in one script call. */
export async function linkStats(redis: Redis, titles: string[]): Promise<LinkStat[]> {
  if (titles.length === 0) return [];
  const r = (await LINK_STATS.run(redis, [KG.nodes, KG.pagerank, ...titles.map(KG.in)], titles)) as (
    number | string | null
  )[];
  return titles.map((title, i) => ({
    title,
    known: r[3 * i] === 1,
    pagerank: Number(r[3 * i + 1] ?? 0),
    inDegree: Number(r[3 * i + 2] ?? 0),
  }));
}

/** The stored summary of each title's node ("" for one without a node). */
export async function summariesOf(redis: Redis, titles: string[]): Promise<string[]> {
  if (titles.length === 0) return [];
  const p = redis.pipeline();
  for (const t of titles) p.hget(KG.node(t), "summary");
  return ((await p.exec()) ?? []).map(([, v]) => (typeof v === "string" ? v : ""));
}
