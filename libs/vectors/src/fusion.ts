import type { Hit } from "./port.ts";

/** Anything ranked: an id and a score (higher is better). */
export interface Ranked {
  id: string;
  score: number;
}

/**
 * Reciprocal rank fusion scores: each list contributes 1 / (k + rank) for every id it ranks (rank from
 * 1). Robust to the lists' scores being on different scales (cosine vs BM25); rewards agreement.
 */
export function rrfScores(lists: Ranked[][], k = 60): Map<string, number> {
  const fused = new Map<string, number>();
  for (const list of lists)
    list.forEach((hit, index) => fused.set(hit.id, (fused.get(hit.id) ?? 0) + 1 / (k + index + 1)));
  return fused;
}

/**
 * Normalised score fusion: each list's scores min-max normalised to 0–1 and summed with its weight (an
 * id absent from a list gets 0 there). Unlike RRF it keeps how far ahead the best hits are.
 */
export function scoreFusion(lists: { hits: Ranked[]; weight: number }[]): Map<string, number> {
  const fused = new Map<string, number>();
  for (const { hits, weight } of lists) {
    if (hits.length === 0) continue;
    const scores = hits.map((h) => h.score);
    const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
    for (const h of hits)
      fused.set(h.id, (fused.get(h.id) ?? 0) + weight * (hi > lo ? (h.score - lo) / (hi - lo) : 1));
  }
  return fused;
}

/** RRF over lists of hits: the best `limit` hits, each carrying its fused score. */
export function reciprocalRankFusion(lists: Hit[][], limit: number, k = 60): Hit[] {
  const byId = new Map(lists.flat().map((h) => [h.id, h]));
  return [...rrfScores(lists, k)]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([id, score]) => ({ ...(byId.get(id) as Hit), score }));
}
