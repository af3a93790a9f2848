import type { StreamPublisher } from "@lumina/bus";
import { CrawlRequest, ReadReason } from "@lumina/events";
import type { Logger } from "@lumina/observability";
import type { Counter, Gauge } from "prom-client";
import type { Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { crawlsToSend, pickBest } from "./domain/plan.ts";
import { type PriorityTerms, priorityTerms } from "./domain/priority.ts";
import { onTopic, relevanceWithSpecificity } from "./domain/relevance.ts";
import type { Candidate, GapStore } from "./gap-store.ts";

export interface PlannerSettings {
  queueMin: number;
  queueMax: number;
  budget: number;
  budgetWindowMs: number;
  halfLifeH: number;
  retryMs: number;
  candidates: number;
  /** candidates under this share of the best relevance wait (domain/relevance.ts onTopic) */
  relevanceRatio: number;
}

export interface PlannerParts {
  store: GapStore;
  depth: { read(): Promise<number> };
  publisher: StreamPublisher;
  logger: Logger;
  autoCrawls: Counter<"reason">;
  budgetLeft: Gauge;
  /** the relevance term per title; without it every candidate's relevance is 1 (PLAN_RELEVANCE=off) */
  relevance?: { score(titles: string[], now: number): Promise<Map<string, number>> };
  now?: () => number;
}

type Scored = Candidate & PriorityTerms;

/** The priority and its four terms alone, as crawl:req and `lumina status` carry them. */
const termsOf = ({ priority, pagerank, novelty, recency, relevance }: PriorityTerms): PriorityTerms => ({
  priority,
  pagerank,
  novelty,
  recency,
  relevance,
});

/** Candidates shown in `lumina status` (GAPS.plan). */
const SHOWN = 10;

/** Sends crawl:req for the best gaps, within the queue bounds and the crawl budget. */
export class Planner {
  readonly #now: () => number;

  constructor(
    private readonly parts: PlannerParts,
    private readonly settings: PlannerSettings,
  ) {
    this.#now = parts.now ?? Date.now;
  }

  /**
   * One planning round: reads the queue depth and the budget, scores the candidates and sends the best.
   * `scheduled` is the PLAN_INTERVAL_S round; the frequent depth checks only act when the queue runs low.
   * Returns how many crawl:req were sent (0 when another replica holds the lock).
   */
  async plan(scheduled: boolean): Promise<number> {
    let sent = 0;
    await this.parts.store.withLock(async () => {
      const { store } = this.parts;
      const s = this.settings;
      const now = this.#now();
      const sentInWindow = await store.sentInWindow(now, s.budgetWindowMs);
      this.parts.budgetLeft.set(Math.max(0, s.budget - sentInWindow));
      const n = crawlsToSend({
        depth: await this.parts.depth.read(),
        queueMin: s.queueMin,
        queueMax: s.queueMax,
        sentInWindow,
        budget: s.budget,
        scheduled,
      });
      if (n === 0) return;
      for (const best of pickBest(await this.#score(now), n)) {
        await this.#sendPlanned(best);
        sent++;
      }
      this.parts.budgetLeft.set(Math.max(0, s.budget - sentInWindow - sent));
      if (sent > 0) this.parts.logger.debug({ sent, wanted: n }, "planned crawls");
    });
    return sent;
  }

  /**
   * A crawl now, for a question Lumina could not answer or a manual request, if the budget allows and
   * it was not sent within GAP_RETRY_S. Returns false (the gap stays in the store for planning) when
   * it is not sent, or the planner lock stayed taken for 2 s.
   */
  async sendNow(topic: string, reason: "low_confidence" | "unknown" | "manual"): Promise<boolean> {
    let sent = false;
    const attempt = () =>
      this.parts.store.withLock(async () => {
        const now = this.#now();
        // A planning round (this replica's or another's) may have sent it a moment ago.
        if (await this.parts.store.sentWithin(topic, now, this.settings.retryMs)) return;
        const used = await this.parts.store.sentInWindow(now, this.settings.budgetWindowMs);
        if (used >= this.settings.budget) return;
        await this.#send(topic, reason, { reason: `gap:${reason}`, prio: 10, why: reason });
        sent = true;
      });
    // The lock is held only for a planning round: wait for it a little rather than miss the moment.
    for (let tries = 0; tries < 40 && !(await attempt()); tries++)
      await new Promise((r) => setTimeout(r, 50));
    return sent;
  }

  /**
   * This round's candidates with their priority terms, best first, those close enough to the topic
   * only (the others wait: domain/relevance.ts onTopic); the best ten, held ones included, are saved
   * for `lumina status`.
   */
  async #score(now: number): Promise<Scored[]> {
    const { store, relevance } = this.parts;
    const s = this.settings;
    const { candidates, sentRelevance } = await store.candidates(s.candidates, now, s.retryMs);
    const closeness = relevance
      ? await relevance.score(
          candidates.map((c) => c.topic),
          now,
        )
      : undefined;
    // With relevance on, a title not embedded yet waits for a later round rather than count as 1.
    const ready = closeness ? candidates.filter((c) => closeness.has(c.topic)) : candidates;
    const rel = new Map(
      ready.map((c) => {
        const close = closeness?.get(c.topic);
        return [c.topic, close === undefined ? 1 : relevanceWithSpecificity(close, c.inDegree, c.nodes)];
      }),
    );
    if (closeness) await store.saveRelevance(rel);
    const scored = ready
      .map((c) => ({ ...c, ...priorityTerms({ ...c, relevance: rel.get(c.topic) as number }, s.halfLifeH) }))
      .sort((a, b) => b.priority - a.priority);
    // Compared with what is still coming too: an off-topic candidate does not go out in the moment
    // between an on-topic article's crawl and the indexer revealing its links.
    const near = onTopic(scored, s.relevanceRatio, closeness ? sentRelevance : 0);
    const nearSet = new Set(near);
    const held = new Set(scored.filter((c) => !nearSet.has(c)).map((c) => c.topic));
    await this.#show(scored.slice(0, SHOWN), held, now);
    return near;
  }

  async #show(top: Scored[], held: Set<string>, now: number): Promise<void> {
    const rows = top.map((c) => ({
      topic: c.topic,
      terms: termsOf(c),
      ...(held.has(c.topic) ? { held: "off topic: waits until nothing closer is left" } : {}),
    }));
    await this.parts.store.showPlan({ at: now, candidates: rows });
  }

  async #sendPlanned(best: Scored): Promise<void> {
    const { topic, priority } = best;
    const origin = await this.parts.store.origin(topic);
    // Why the gap was raised first: a link (dangling, sparse), or a question whose crawl had to wait.
    const why = Value.Check(ReadReason, origin.why) ? origin.why : "dangling";
    await this.#send(topic, "planned", {
      reason: `gap priority ${priority.toExponential(3)}`,
      prio: 5,
      why,
      ...(origin.parent ? { parent: origin.parent } : {}),
      terms: termsOf(best),
    });
  }

  async #send(
    topic: string,
    label: string,
    req: {
      reason: string;
      prio: number;
      why: Static<typeof ReadReason>;
      parent?: string;
      terms?: PriorityTerms;
    },
  ): Promise<void> {
    // Marked before publishing: a crash in between costs one unused budget slot, never a second send.
    await this.parts.store.markSent(topic, this.#now());
    await this.parts.publisher.publish(CrawlRequest, { url: topic, source: "planner", ...req });
    this.parts.autoCrawls.inc({ reason: label });
  }
}
