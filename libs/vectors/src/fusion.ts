import type { Hit } from "./port.ts";

/**
 * Reciprocal rank fusion: each list contributes 1 / (k + rank) for every hit it ranks (rank from 1).
 * Robust to the lists' scores being on different scales (cosine vs BM25), which is why hybrid uses it.
 */
export function reciprocalRankFusion(lists: Hit[][], limit: number, k = 60): Hit[] {
  const fused = new Map<string, Hit>();
  for (const list of lists) {
    list.forEach((hit, index) => {
      const prior = fused.get(hit.id);
      const add = 1 / (k + index + 1);
      fused.set(hit.id, prior ? { ...prior, score: prior.score + add } : { ...hit, score: add });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score).slice(0, limit);
}
