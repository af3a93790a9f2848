export interface Ranked {
  id: string;
  score: number;
}

/** How dense and BM25 rankings are combined. */
export type FusionName = "rrf" | "score";

/**
 * rrf: reciprocal rank fusion, Σ 1/(k + rank) — ignores score scales, rewards agreement.
 * score: each list's scores min-max normalised to 0–1, then averaged with the given weight on dense
 * (a hit absent from a list gets 0 there) — keeps how much better the best hit is than the rest.
 */
export function fuse(
  lists: { dense: Ranked[]; sparse: Ranked[] },
  how: FusionName,
  denseWeight = 0.5,
): Map<string, number> {
  const fused = new Map<string, number>();
  const add = (id: string, value: number) => fused.set(id, (fused.get(id) ?? 0) + value);
  if (how === "rrf") {
    for (const list of [lists.dense, lists.sparse]) list.forEach((h, i) => add(h.id, 1 / (60 + i + 1)));
    return fused;
  }
  const normalised = (list: Ranked[], weight: number) => {
    if (list.length === 0) return;
    const scores = list.map((h) => h.score);
    const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
    for (const h of list) add(h.id, weight * (hi > lo ? (h.score - lo) / (hi - lo) : 1));
  };
  normalised(lists.dense, denseWeight);
  normalised(lists.sparse, 1 - denseWeight);
  return fused;
}

/**
 * Multiplies each fused score by (1 + weight · PageRank / max PageRank) of the hit's article: among
 * equally relevant chunks, those of central articles come first. weight 0 turns the prior off.
 */
export function applyPrior(
  fused: Map<string, number>,
  pagerankOf: (id: string) => number | undefined,
  weight: number,
): Map<string, number> {
  if (weight === 0) return fused;
  const ranks = [...fused.keys()].map((id) => pagerankOf(id) ?? 0);
  const max = Math.max(0, ...ranks);
  if (max === 0) return fused;
  return new Map([...fused].map(([id, s]) => [id, s * (1 + (weight * (pagerankOf(id) ?? 0)) / max)]));
}
