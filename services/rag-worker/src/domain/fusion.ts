import { type Ranked, rrfScores, scoreFusion } from "@lumina/vectors";

export type { Ranked };

/** How dense and BM25 rankings are combined. */
export type FusionName = "rrf" | "score";

/**
 * rrf: reciprocal rank fusion — ignores score scales, rewards agreement. score: normalised score
 * fusion with `denseWeight` on dense — keeps how much better the best hit is than the rest.
 */
export function fuse(
  lists: { dense: Ranked[]; sparse: Ranked[] },
  how: FusionName,
  denseWeight = 0.5,
): Map<string, number> {
  return how === "rrf"
    ? rrfScores([lists.dense, lists.sparse])
    : scoreFusion([
        { hits: lists.dense, weight: denseWeight },
        { hits: lists.sparse, weight: 1 - denseWeight },
      ]);
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
