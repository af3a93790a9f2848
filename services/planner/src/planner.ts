import type { StreamPublisher } from "@lumina/bus";
import { CrawlRequest } from "@lumina/events";
import type { Logger } from "@lumina/observability";
import type { Counter, Gauge } from "prom-client";
import { crawlsToSend, pickBest } from "./domain/plan.ts";
import { priority } from "./domain/priority.ts";
import type { GapStore } from "./gap-store.ts";

export interface PlannerSettings {
  queueMin: number;
  queueMax: number;
  budget: number;
  budgetWindowMs: number;
  halfLifeH: number;
  retryMs: number;
  candidates: number;
}

export interface PlannerParts {
  store: GapStore;
  depth: { read(): Promise<number> };
  publisher: StreamPublisher;
  logger: Logger;
  autoCrawls: Counter<"reason">;
  budgetLeft: Gauge;
  now?: () => number;
}

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
      const scored = (await store.candidates(s.candidates, now, s.retryMs)).map((c) => ({
        ...c,
        priority: priority(c, s.halfLifeH),
      }));
      for (const best of pickBest(scored, n)) {
        await this.#send(best.topic, "planned", `gap priority ${best.priority.toExponential(3)}`, 5);
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
  async sendNow(topic: string, reason: string): Promise<boolean> {
    let sent = false;
    const attempt = () =>
      this.parts.store.withLock(async () => {
        const now = this.#now();
        // A planning round (this replica's or another's) may have sent it a moment ago.
        if (await this.parts.store.sentWithin(topic, now, this.settings.retryMs)) return;
        const used = await this.parts.store.sentInWindow(now, this.settings.budgetWindowMs);
        if (used >= this.settings.budget) return;
        await this.#send(topic, reason, `gap:${reason}`, 10);
        sent = true;
      });
    // The lock is held only for a planning round: wait for it a little rather than miss the moment.
    for (let tries = 0; tries < 40 && !(await attempt()); tries++)
      await new Promise((r) => setTimeout(r, 50));
    return sent;
  }

  async #send(topic: string, label: string, reason: string, prio: number): Promise<void> {
    // Marked before publishing: a crash in between costs one unused budget slot, never a second send.
    await this.parts.store.markSent(topic, this.#now());
    await this.parts.publisher.publish(CrawlRequest, { url: topic, prio, source: "planner", reason });
    this.parts.autoCrawls.inc({ reason: label });
  }
}
