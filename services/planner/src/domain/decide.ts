export type GapReason = "dangling" | "sparse" | "low_confidence" | "unknown" | "manual";

/**
 * Whether a gap becomes a crawl now. Questions people asked and could not be answered
 * (low_confidence, unknown) and manual requests are crawled at once; gaps the indexer found by itself
 * (dangling links, sparse topics) wait in `gaps:topics` for the prioritising planner (issue #5).
 * A title already read or known not to exist is never asked for again.
 */
export function crawlNow(gap: { reason: GapReason; read: boolean; missing: boolean }): boolean {
  if (gap.read || gap.missing) return false;
  return gap.reason === "low_confidence" || gap.reason === "unknown" || gap.reason === "manual";
}
