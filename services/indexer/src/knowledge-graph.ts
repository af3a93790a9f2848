import { LuaScript } from "@lumina/bus";
import { INTERESTS, KG } from "@lumina/events";
import { linkStats as readLinkStats } from "@lumina/graph";
import type { Redis } from "ioredis";

/** Redis keys of the knowledge graph (the indexer owns them). */
export { KG };

export interface NodeRecord {
  title: string;
  page_id: number;
  revision: number;
  url: string;
  summary: string;
  fingerprint: string;
  wikidata?: string;
  /** JSON of the article's provenance (graph:add): who asked for it and why */
  read_because?: string;
}

/** Writes a node and its `page_link` edges atomically (KEYS and ARGV: see the script's header). */
const PUT_NODE = LuaScript.fromFile(new URL("./lua/put-node.lua", import.meta.url));

/**
 * Writes a node and its `page_link` edges; idempotent. A new revision's links replace the old ones
 * (in-link sets of dropped targets are updated too).
 */
export async function putNode(redis: Redis, node: NodeRecord, links: string[]): Promise<void> {
  const old = await redis.smembers(KG.out(node.title));
  const fresh = [...new Set(links)].filter((l) => l !== node.title);
  const kept = new Set(fresh);
  const targets = [...fresh, ...old.filter((l) => !kept.has(l))];
  await PUT_NODE.run(
    redis,
    [KG.nodes, KG.node(node.title), KG.out(node.title), ...targets.map(KG.in)],
    [node.title, fresh.length, ...targets, ...Object.entries(flatten(node)).flat()],
  );
}

/** For each target: whether it is a read article, and how many read articles link to it. */
export async function linkStats(
  redis: Redis,
  targets: string[],
): Promise<{ target: string; known: boolean; inDegree: number }[]> {
  return (await readLinkStats(redis, targets)).map((l) => ({
    target: l.title,
    known: l.known,
    inDegree: l.inDegree,
  }));
}

function flatten(node: NodeRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(node)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** Records `semantic` links both ways (ZSETs scored by similarity); idempotent. */
export async function putSemanticLinks(
  redis: Redis,
  title: string,
  close: { title: string; score: number }[],
): Promise<void> {
  if (close.length === 0) return;
  const tx = redis.multi();
  for (const c of close)
    tx.zadd(KG.semantic(title), c.score, c.title).zadd(KG.semantic(c.title), c.score, title);
  await tx.exec();
}

/** Seeds and manual crawls are what people want Lumina to know about: the planner's interests. */
export const isPersonsChoice = (why: string): boolean => why === "seed" || why === "manual";

/** The most seed interests kept; beyond it the oldest goes. */
const SEED_INTERESTS = 100;

/**
 * Records an article a person asked for among Lumina's interests (INTERESTS.seeds: title → JSON
 * `{text, at}`, its title and first sentences), which the planner's relevance term compares
 * candidates with. Idempotent: a redelivery rewrites the same entry.
 */
export async function recordSeedInterest(redis: Redis, title: string, summary: string): Promise<void> {
  const text = `${title}. ${summary.slice(0, 300)}`;
  await redis.hset(INTERESTS.seeds, title, JSON.stringify({ text, at: Date.now() }));
  if ((await redis.hlen(INTERESTS.seeds)) <= SEED_INTERESTS) return;
  // Each entry parsed once: in the sort's comparator, 101 entries were parsed ~1,300 times an article.
  const all = Object.entries(await redis.hgetall(INTERESTS.seeds)).map(([t, v]) => ({
    t,
    at: Number((JSON.parse(v) as { at?: number }).at ?? 0),
  }));
  const oldest = all.sort((a, b) => a.at - b.at).slice(0, all.length - SEED_INTERESTS);
  await redis.hdel(INTERESTS.seeds, ...oldest.map(({ t }) => t));
}
