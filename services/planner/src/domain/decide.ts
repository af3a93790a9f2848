export type GapReason = "dangling" | "sparse" | "low_confidence" | "unknown" | "manual";

/**
 * Whether a gap becomes a crawl at once (within the budget). Questions people asked and could not be
 * answered (low_confidence, unknown) and manual requests are; gaps the indexer found by itself (dangling
 * links, sparse topics) wait in `gaps:topics` for the planning rounds. A title already read or known
 * not to exist (settled) is never asked for again.
 */
export function crawlNow(gap: {
  reason: GapReason;
  settled: boolean;
}): gap is { reason: "low_confidence" | "unknown" | "manual"; settled: false } {
  if (gap.settled) return false;
  return gap.reason === "low_confidence" || gap.reason === "unknown" || gap.reason === "manual";
}
