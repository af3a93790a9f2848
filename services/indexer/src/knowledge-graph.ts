import { execReplies, LuaScript } from "@lumina/bus";
import { vectorToBytes } from "@lumina/embeddings";
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

/**
 * Marks `revision` of a page as being written and returns what was indexed and begun before, in one
 * round trip: the revision whose chunks are durable (KG.indexed) and the one a write last began for
 * (KG.indexing; a crash mid-write may have left its chunks behind).
 */
export async function beginRevision(
  redis: Redis,
  pageId: number,
  revision: number,
): Promise<{ done: string | null; begun: string | null }> {
  const page = String(pageId);
  const tx = redis
    .multi()
    .hget(KG.indexed, page)
    .hget(KG.indexing, page)
    .hset(KG.indexing, page, String(revision));
  const [done, begun] = execReplies(await tx.exec(), "beginning the revision") as (string | null)[];
  return { done: done ?? null, begun: begun ?? null };
}

/**
 * Of `topics`, those never asked for before, now marked asked for (KG.gapsSent), in one round trip.
 */
export async function firstAsks(redis: Redis, topics: string[]): Promise<Set<string>> {
  if (topics.length === 0) return new Set();
  const p = redis.pipeline();
  for (const t of topics) p.sadd(KG.gapsSent, t);
  const added = execReplies(await p.exec(), "marking gaps asked for");
  return new Set(topics.filter((_, i) => added[i] === 1));
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

/** Records one seed interest and drops the oldest beyond a maximum (see the script's header). */
const RECORD_SEED_INTEREST = LuaScript.fromFile(new URL("./lua/record-seed-interest.lua", import.meta.url));

/** The vector of an article's lead chunk and the model that embedded it. */
export interface LeadVector {
  vector: ArrayLike<number>;
  model: string;
}

/**
 * Records an article a person asked for among Lumina's interests (INTERESTS.seeds: title → JSON
 * `{text, at, model}`, its title and first sentences), which the planner's relevance term compares
 * candidates with, and its lead chunk's vector (INTERESTS.seedVectors), so that the planner need not
 * embed nearly the same text again; beyond `SEED_INTERESTS` the oldest go. One round trip (the
 * trimming runs in Redis: it used to fetch all entries to the indexer for every seed past the
 * hundredth). Idempotent: a redelivery rewrites the same entry.
 */
export async function recordSeedInterest(
  redis: Redis,
  title: string,
  summary: string,
  lead?: LeadVector,
): Promise<void> {
  const text = `${title}. ${summary.slice(0, 300)}`;
  const entry = JSON.stringify({ text, at: Date.now(), ...(lead ? { model: lead.model } : {}) });
  const args: (string | number | Buffer)[] = [title, entry, SEED_INTERESTS];
  if (lead) args.push(vectorToBytes(lead.vector));
  await RECORD_SEED_INTEREST.run(redis, [INTERESTS.seeds, INTERESTS.seedVectors], args);
}
