import { sentences, terms } from "@lumina/text";

export interface Passage {
  id: string;
  text: string;
}

export interface ExtractiveAnswer {
  /** Sentences quoted from the passages, each followed by its source number: "… [2]". */
  answer: string;
  /** Ids of the passages quoted, in the order of their numbers. */
  citeIds: string[];
  /** Share (0–1) of the question's term weight that the quoted sentences contain. */
  coverage: number;
}

/**
 * The answerer used when no model is configured: picks the sentences of the retrieved passages that
 * best cover the question's terms (each term weighted by how rare it is among the candidate sentences,
 * with a small bonus for better-ranked passages), quotes up to `maxSentences` of them, and cites where
 * each came from. A question none of whose terms appear gets no answer (empty `citeIds`).
 */
export function extractAnswer(question: string, passages: Passage[], maxSentences = 3): ExtractiveAnswer {
  const asked = [...new Set(terms(question))];
  const candidates = passages.flatMap((p, rank) =>
    sentences(p.text).map((text) => ({ id: p.id, rank, text, words: new Set(terms(text)) })),
  );
  if (asked.length === 0 || candidates.length === 0) return { answer: "", citeIds: [], coverage: 0 };

  const weight = new Map(
    asked.map((t) => {
      const df = candidates.filter((c) => c.words.has(t)).length;
      return [t, Math.log(1 + candidates.length / (1 + df))];
    }),
  );
  const total = [...weight.values()].reduce((a, b) => a + b, 0);
  const gain = (words: Set<string>, covered: Set<string>) =>
    asked.reduce((sum, t) => sum + (words.has(t) && !covered.has(t) ? (weight.get(t) ?? 0) : 0), 0);

  // Greedy: each pick adds the most term weight not yet covered (ties to the better-ranked passage).
  const covered = new Set<string>();
  const picked: typeof candidates = [];
  while (picked.length < maxSentences) {
    let best: (typeof candidates)[number] | undefined;
    let bestScore = 0;
    for (const c of candidates) {
      if (picked.includes(c) || c.text.length < 20) continue;
      const score = gain(c.words, covered) * (1 + 0.3 / (1 + c.rank));
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    // Past the first sentence, only add one that covers something new and substantial.
    if (!best || (picked.length > 0 && bestScore < 0.25 * total)) break;
    picked.push(best);
    for (const t of asked) if (best.words.has(t)) covered.add(t);
  }
  if (picked.length === 0) return { answer: "", citeIds: [], coverage: 0 };

  const citeIds = [...new Set(picked.map((p) => p.id))];
  const answer = picked.map((p) => `${p.text} [${citeIds.indexOf(p.id) + 1}]`).join(" ");
  const coverage = [...covered].reduce((sum, t) => sum + (weight.get(t) ?? 0), 0) / total;
  return { answer, citeIds, coverage };
}

/** Share (0–1) of the question's distinct terms that `text` contains (unweighted). */
export function termCoverage(question: string, text: string): number {
  const asked = new Set(terms(question));
  if (asked.size === 0) return 0;
  const have = new Set(terms(text));
  return [...asked].filter((t) => have.has(t)).length / asked.size;
}
