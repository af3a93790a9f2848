/**
 * crawl:req `prio` runs from −1000 to 1000, higher is sooner. BullMQ's priority runs from 1 (first)
 * upwards, so prio 1000 → 1 and prio −1000 → 2001. Every job gets a priority, so order is by prio,
 * then by arrival.
 */
export const toJobPriority = (prio = 0): number => 1001 - Math.round(Math.max(-1000, Math.min(1000, prio)));

/** `ZADD crawl:queue <score> Title`: lower scores are popped first, like ZPOPMIN; score 0 is prio 0. */
export const scoreToPrio = (score: number): number => Math.max(-1000, Math.min(1000, 0 - score));
