export interface GapDecision {
  topic: string;
  reason: "dangling" | "sparse";
  score: number;
}

/**
 * Gaps an article reveals: titles it links to that Lumina has not read and that at least
 * `minInDegree` read articles link to (dangling), and the article itself when it yielded fewer than
 * `gapThreshold` chunks (sparse: too little known about it).
 */
export function findGaps(input: {
  title: string;
  chunkCount: number;
  gapThreshold: number;
  minInDegree: number;
  /** For each outgoing link: whether its target has been read, and how many read articles link to it. */
  links: { target: string; known: boolean; inDegree: number }[];
}): GapDecision[] {
  const gaps: GapDecision[] = input.links
    .filter((l) => !l.known && l.inDegree >= input.minInDegree)
    .map((l) => ({ topic: l.target, reason: "dangling" as const, score: l.inDegree }));
  if (input.chunkCount < input.gapThreshold)
    gaps.push({ topic: input.title, reason: "sparse", score: input.chunkCount });
  return gaps;
}
