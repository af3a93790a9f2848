import { KG } from "@lumina/events";
import type { Redis } from "ioredis";

/** Redis keys of the knowledge graph (DESIGN §2: the indexer owns them; defined with the other shared keys). */
export { KG };

export interface NodeRecord {
  title: string;
  page_id: number;
  revision: number;
  url: string;
  summary: string;
  fingerprint: string;
  wikidata?: string;
}

/**
 * Writes a node and its `page_link` edges; idempotent. A new revision's links replace the old ones
 * (in-link sets of dropped targets are updated too), in one MULTI so readers never see half an edit.
 */
export async function putNode(redis: Redis, node: NodeRecord, links: string[]): Promise<void> {
  const old = await redis.smembers(KG.out(node.title));
  const fresh = new Set(links.filter((l) => l !== node.title));
  const tx = redis.multi().sadd(KG.nodes, node.title).hset(KG.node(node.title), flatten(node));
  for (const gone of old.filter((l) => !fresh.has(l)))
    tx.srem(KG.out(node.title), gone).srem(KG.in(gone), node.title);
  for (const target of fresh) tx.sadd(KG.out(node.title), target).sadd(KG.in(target), node.title);
  const results = await tx.exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw failed?.[0] ?? new Error("knowledge-graph transaction aborted");
}

/** For each target: whether it is a read article, and how many read articles link to it. */
export async function linkStats(
  redis: Redis,
  targets: string[],
): Promise<{ target: string; known: boolean; inDegree: number }[]> {
  if (targets.length === 0) return [];
  const pipe = redis.pipeline();
  for (const t of targets) pipe.sismember(KG.nodes, t).scard(KG.in(t));
  const replies = (await pipe.exec()) ?? [];
  return targets.map((target, i) => ({
    target,
    known: replies[2 * i]?.[1] === 1,
    inDegree: Number(replies[2 * i + 1]?.[1] ?? 0),
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
