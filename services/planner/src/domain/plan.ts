/**
 * How many crawl:req the planner sends now. It tops the crawl queue up to QUEUE_MAX as soon as the
 * depth falls below the midpoint of [QUEUE_MIN, QUEUE_MAX] (or on the PLAN_INTERVAL_S tick), so the
 * queue stays above QUEUE_MIN while gaps last as long as the crawler drains less than half the band
 * between two checks; and never past what the budget window has left.
 */
export function crawlsToSend(s: {
  depth: number;
  queueMin: number;
  queueMax: number;
  /** crawl:req already sent in the current budget window */
  sentInWindow: number;
  budget: number;
  /** the periodic PLAN_INTERVAL_S round, which tops up whenever the queue is below QUEUE_MAX */
  scheduled: boolean;
}): number {
  const lowWater = (s.queueMin + s.queueMax) / 2;
  if (!s.scheduled && s.depth >= lowWater) return 0;
  const room = Math.max(0, s.queueMax - s.depth);
  const budgetLeft = Math.max(0, s.budget - s.sentInWindow);
  return Math.min(room, budgetLeft);
}

/** The `n` best topics by priority; ties go to the earlier (higher gap score) candidate. */
export function pickBest<T extends { priority: number }>(scored: T[], n: number): T[] {
  return scored
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.priority > 0)
    .sort((a, b) => b.s.priority - a.s.priority || a.i - b.i)
    .slice(0, n)
    .map(({ s }) => s);
}
