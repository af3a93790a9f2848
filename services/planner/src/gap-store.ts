import { execReplies, withRedisLock } from "@lumina/bus";
import { CRAWL, type EventOf, GAPS, type GapRequest, KG } from "@lumina/events";
import type { Redis } from "ioredis";
import type { GapFacts } from "./domain/priority.ts";

export interface Candidate extends Omit<GapFacts, "relevance"> {
  topic: string;
  /** read articles linking to the topic */
  inDegree: number;
}

/** Why a gap was raised first, and from which read article: what its crawl:req carries on. */
export interface GapOrigin {
  why?: string;
  parent?: string;
}

/**
 * The planner's state in Redis (keys in libs/events GAPS): gap scores, when each gap was last raised,
 * what was sent and when. Every write is an idempotent set or a counted increment of a fact that
 * happened, so a redelivered gap:req only refreshes its recency.
 */
export class GapStore {
  constructor(private readonly redis: Redis) {}

  /**
   * Records a gap and answers whether its topic is settled (read already, or known not to exist), in
   * one round trip.
   */
  async record(gap: EventOf<typeof GapRequest>, now: number): Promise<{ settled: boolean }> {
    const tx = this.redis
      .multi()
      .sismember(KG.nodes, gap.topic)
      .sismember(CRAWL.missing, gap.topic)
      .zincrby(GAPS.topics, gap.score ?? 1, gap.topic)
      .hset(GAPS.lastSeen, gap.topic, now)
      .hsetnx(GAPS.why, gap.topic, gap.reason)
      .sadd(GAPS.fresh, gap.topic);
    if (gap.parent) tx.hsetnx(GAPS.parent, gap.topic, gap.parent);
    const [read, missing] = execReplies(await tx.exec(), "recording the gap");
    return { settled: read === 1 || missing === 1 };
  }

  async origin(topic: string): Promise<GapOrigin> {
    const [why, parent] = await Promise.all([
      this.redis.hget(GAPS.why, topic),
      this.redis.hget(GAPS.parent, topic),
    ]);
    return { ...(why ? { why } : {}), ...(parent ? { parent } : {}) };
  }

  /** The relevance term each topic got in this round: the next round chooses candidates by it too. */
  async saveRelevance(scores: Map<string, number>): Promise<void> {
    if (scores.size === 0) return;
    const topics = [...scores.keys()];
    await this.redis
      .multi()
      .zadd(GAPS.relevance, ...[...scores].flatMap(([t, r]) => [r, t]))
      .srem(GAPS.fresh, ...topics)
      .exec();
  }

  /** The last round's best candidates and their terms, for `lumina status` (GAPS.plan). */
  async showPlan(plan: { at: number; candidates: unknown[] }): Promise<void> {
    await this.redis.set(GAPS.plan, JSON.stringify(plan));
  }

  /**
   * Topics worth scoring this round: the `limit` most relevant when last scored, the `limit` with the
   * highest gap score (most asked for) and up to `limit` of those never scored yet.
   */
  async #pool(limit: number): Promise<string[]> {
    const [relevant, asked, fresh] = await Promise.all([
      this.redis.zrevrange(GAPS.relevance, 0, limit - 1),
      this.redis.zrevrange(GAPS.topics, 0, limit - 1),
      this.redis.srandmember(GAPS.fresh, limit),
    ]);
    return [...new Set([...relevant, ...asked, ...fresh])];
  }

  /**
   * The gaps of this round's pool (#pool) that are neither settled nor sent within `retryMs`, with the
   * facts their priority needs but relevance; and the best relevance among the pool's topics sent and
   * not read yet (what is still coming). Settled gaps found on the way are removed from the store.
   */
  async candidates(
    limit: number,
    now: number,
    retryMs: number,
  ): Promise<{ candidates: Candidate[]; sentRelevance: number }> {
    const { redis } = this;
    const topics = await this.#pool(limit);
    if (topics.length === 0) return { candidates: [], sentRelevance: 0 };
    const p = redis.pipeline();
    for (const t of topics)
      p.sismember(KG.nodes, t)
        .sismember(CRAWL.missing, t)
        .zscore(KG.pagerank, t)
        .smembers(KG.in(t))
        .hget(GAPS.attempts, t)
        .hget(GAPS.lastSeen, t)
        .hget(GAPS.sentAt, t);
    p.scard(KG.nodes);
    const r = ((await p.exec()) ?? []).map(([, v]) => v);
    const nodes = Number(r.at(-1) ?? 0);
    const settled: string[] = [];
    const inFlight: string[] = [];
    const open: (Omit<Candidate, "inLinks" | "inDegree"> & { sources: string[] })[] = [];
    topics.forEach((topic, i) => {
      const [read, missing, rank, sources, attempts, lastSeen, sentAt] = r.slice(7 * i, 7 * i + 7);
      if (read === 1 || missing === 1) return void settled.push(topic);
      if (sentAt != null && now - Number(sentAt) < retryMs) return void inFlight.push(topic); // sent, not read yet
      open.push({
        topic,
        rank: rank == null ? undefined : Number(rank),
        sources: (sources as string[] | null) ?? [],
        nodes,
        attempts: Number(attempts ?? 0),
        ageMs: now - Number(lastSeen ?? now),
      });
    });
    if (settled.length > 0)
      await redis
        .multi()
        .zrem(GAPS.topics, ...settled)
        .zrem(GAPS.relevance, ...settled)
        .srem(GAPS.fresh, ...settled)
        .hdel(GAPS.why, ...settled)
        .hdel(GAPS.parent, ...settled)
        .exec();
    const linkers = [...new Set(open.flatMap((c) => c.sources))];
    const stats = await this.#rankAndOutDegree(linkers);
    const sent = inFlight.length > 0 ? await redis.zmscore(GAPS.relevance, ...inFlight) : [];
    const candidates = open.map(({ sources, ...c }) => ({
      ...c,
      inDegree: sources.length,
      inLinks: sources.flatMap((s) => stats.get(s) ?? []),
    }));
    return { candidates, sentRelevance: Math.max(0, ...sent.map((r) => Number(r ?? 0))) };
  }

  async #rankAndOutDegree(titles: string[]): Promise<Map<string, { rank: number; outDegree: number }>> {
    const out = new Map<string, { rank: number; outDegree: number }>();
    if (titles.length === 0) return out;
    const p = this.redis.pipeline();
    for (const t of titles) p.zscore(KG.pagerank, t).scard(KG.out(t));
    const r = (await p.exec()) ?? [];
    titles.forEach((t, i) => {
      const rank = r[2 * i]?.[1];
      if (rank != null) out.set(t, { rank: Number(rank), outDegree: Number(r[2 * i + 1]?.[1] ?? 1) });
    });
    return out;
  }

  /** Whether a crawl:req for `topic` was sent less than `ms` ago. */
  async sentWithin(topic: string, now: number, ms: number): Promise<boolean> {
    const at = await this.redis.hget(GAPS.sentAt, topic);
    return at !== null && now - Number(at) < ms;
  }

  /** crawl:req sent within the budget window ending now (older records are dropped). */
  async sentInWindow(now: number, windowMs: number): Promise<number> {
    await this.redis.zremrangebyscore(GAPS.issued, "-inf", now - windowMs);
    return this.redis.zcard(GAPS.issued);
  }

  async markSent(topic: string, now: number): Promise<void> {
    await this.redis
      .multi()
      .zadd(GAPS.issued, now, `${now}:${topic}`)
      .hincrby(GAPS.attempts, topic, 1)
      .hset(GAPS.sentAt, topic, now)
      .exec();
  }

  /** Runs `fn` holding the planner lock, so replicas never spend the same budget; false if another holds it. */
  withLock(fn: () => Promise<void>, ttlMs = 30_000): Promise<boolean> {
    return withRedisLock(this.redis, GAPS.lock, ttlMs, fn);
  }
}
