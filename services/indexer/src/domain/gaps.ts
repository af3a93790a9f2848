export interface GapDecision {
  topic: string;
  reason: "dangling" | "sparse";
  score: number;
  /** the article whose link revealed the gap */
  parent: string;
}

/**
 * Gaps an article reveals: the titles it links to that Lumina has not read and that at least
 * `minInDegree` read articles link to (1 by default: one link is reason enough to consider a title;
 * the planner decides which are worth reading). When the article yielded fewer than `gapThreshold`
 * chunks it told too little about its topic, so its unread links are `sparse` gaps, scored one higher:
 * reading them is how Lumina learns more about it. The article itself is never a gap: it is read.
 */
export function findGaps(input: {
  title: string;
  chunkCount: number;
  gapThreshold: number;
  minInDegree: number;
  /** For each outgoing link: whether its target has been read, and how many read articles link to it. */
  links: { target: string; known: boolean; inDegree: number }[];
}): GapDecision[] {
  const sparse = input.chunkCount < input.gapThreshold;
  return input.links
    .filter((l) => !l.known && l.target !== input.title && l.inDegree >= input.minInDegree)
    .map((l) => ({
      topic: l.target,
      reason: sparse ? ("sparse" as const) : ("dangling" as const),
      score: l.inDegree + (sparse ? 1 : 0),
      parent: input.title,
    }));
}
