/**
 * The planner's priority for a gap topic: PageRank × novelty × recency × relevance (docs/autonomy.md).
 * Pure; every input comes from Redis through the gap store,
 * and relevance from domain/relevance.ts.
 */

export interface GapFacts {
  /** kg:pagerank of the topic when it is a read article; undefined for an unread title */
  rank: number | undefined;
  /** for each read article linking to the topic: its PageRank and its number of out-links */
  inLinks: { rank: number; outDegree: number }[];
  /** read articles in the graph */
  nodes: number;
  /** crawl:req the planner already sent for this topic */
  attempts: number;
  /** ms since the latest gap:req for the topic */
  ageMs: number;
  /** the relevance term, 0…1 (1 when relevance is off) */
  relevance: number;
}

/** Every term of a priority, as crawl:req, the node and `lumina status` show them. */
export interface PriorityTerms {
  priority: number;
  pagerank: number;
  novelty: number;
  recency: number;
  relevance: number;
}

/**
 * PageRank term. A read article has its rank. An unread title has none yet, so it gets the rank it
 * would receive in one power-iteration step: Σ rank(s) / outDegree(s) over the read articles s that
 * link to it. A title nothing links to (a question's topic) gets the uniform share 1 / (nodes + 1).
 */
export function pagerankTerm(f: Pick<GapFacts, "rank" | "inLinks" | "nodes">): number {
  if (f.rank !== undefined) return f.rank;
  const flowed = f.inLinks.reduce((sum, l) => sum + l.rank / Math.max(1, l.outDegree), 0);
  return flowed > 0 ? flowed : 1 / (f.nodes + 1);
}

/** Novelty term: 1 / (1 + attempts) — 1 for a topic never crawled, ½ after one crawl:req that did not read it, … */
export const noveltyTerm = (attempts: number): number => 1 / (1 + Math.max(0, attempts));

/** Recency term: 0.5 ^ (age / half-life), so a gap raised again is fresh and an old one fades. */
export const recencyTerm = (ageMs: number, halfLifeH: number): number =>
  0.5 ** (Math.max(0, ageMs) / (halfLifeH * 3_600_000));

/** The four terms and their product. */
export function priorityTerms(f: GapFacts, halfLifeH: number): PriorityTerms {
  const t = {
    pagerank: pagerankTerm(f),
    novelty: noveltyTerm(f.attempts),
    recency: recencyTerm(f.ageMs, halfLifeH),
    relevance: f.relevance,
  };
  return { priority: t.pagerank * t.novelty * t.recency * t.relevance, ...t };
}

export const priority = (f: GapFacts, halfLifeH: number): number => priorityTerms(f, halfLifeH).priority;
