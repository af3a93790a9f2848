import { sentences, stems } from "@lumina/text";
import { RERANK_WEIGHTS as FITTED } from "./rerank-weights.ts";

/** A first-stage candidate: a chunk with its scores from dense search, BM25 and their fusion. */
export interface Candidate {
  id: string;
  text: string;
  title: string;
  section: string;
  /** Cosine similarity to the question (0 when only BM25 found it). */
  dense: number;
  /** BM25 score (0 when only dense search found it). */
  sparse: number;
  /** Fused first-stage score (after the PageRank prior). */
  fused: number;
}

/**
 * What the second stage reads in a candidate, each 0–1 (see docs/answering.md):
 * - fused, dense, bm25: the first stage's scores, each divided by the best among the candidates;
 * - window: IDF-weighted share of the question's terms in the candidate's best window of two
 *   consecutive sentences (one, for the last); a term's weight is how rare it is among all the
 *   candidates' sentences;
 * - chunk: the same share over the whole chunk;
 * - bigram: share of the question's adjacent term pairs found adjacent in that window;
 * - proximity: how close together the matched terms stand in that window (matched / span);
 * - exact: share of the question's numbers and capitalised names found verbatim in the chunk;
 * - title: share of the question's terms in the article title and section heading;
 * - sentence: the same share in the best single sentence.
 * Terms are matched by their Porter stems.
 */
export const FEATURES = [
  "fused",
  "dense",
  "bm25",
  "window",
  "chunk",
  "bigram",
  "proximity",
  "exact",
  "title",
  "sentence",
] as const;
export type Feature = (typeof FEATURES)[number];
export type Weights = Record<Feature, number>;

/** The shipped weights (rerank-weights.ts, written by the fit); a missing feature is a type error. */
export const RERANK_WEIGHTS: Weights = FITTED;

interface Sentence {
  words: string[];
  set: Set<string>;
}

/** The question as the scorer reads it: terms, their adjacent pairs, its numbers and names. */
interface Asked {
  terms: string[];
  pairs: string[];
  exact: string[];
}

function asked(question: string): Asked {
  const ts = stems(question);
  const pairs = ts.slice(1).map((t, i) => `${ts[i]} ${t}`);
  const words = question.match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu) ?? [];
  // numbers anywhere, capitalised words past the first (which is capitalised as a sentence start)
  const exact = words.filter((w, i) => /\p{N}/u.test(w) || (i > 0 && /^\p{Lu}/u.test(w)));
  return {
    terms: [...new Set(ts)],
    pairs: [...new Set(pairs)],
    exact: [...new Set(exact)],
  };
}

/** Share of the question's term weight that `words` contain. */
type Cover = (words: Set<string>) => number;

/** One window's match: weighted coverage, adjacent pairs, proximity of the matched terms. */
function windowMatch(q: Asked, words: string[], asked: Map<string, number>, coverOf: Cover) {
  const cover = coverOf(new Set(words));
  const adjacent = new Set(words.slice(1).map((w, i) => `${words[i]} ${w}`));
  const bigram = q.pairs.length === 0 ? 0 : q.pairs.filter((p) => adjacent.has(p)).length / q.pairs.length;
  const positions = words.flatMap((w, i) => (asked.has(w) ? [i] : []));
  const matched = new Set(positions.map((i) => words[i])).size;
  const span = positions.length === 0 ? 1 : (positions.at(-1) as number) - (positions[0] as number) + 1;
  const proximity = matched <= 1 ? matched / Math.max(1, q.terms.length) : matched / span;
  return { cover, bigram, proximity };
}

/** The feature vectors (in FEATURES order) of each candidate for `question`. */
export function rerankFeatures(question: string, candidates: Candidate[]): number[][] {
  const q = asked(question);
  const split = candidates.map((c) =>
    sentences(c.text).map((text): Sentence => {
      const words = stems(text);
      return { words, set: new Set(words) };
    }),
  );
  const all = split.flat();
  const weight = new Map(
    q.terms.map((t) => [t, Math.log(1 + all.length / (1 + all.filter((s) => s.set.has(t)).length))]),
  );
  const total = [...weight.values()].reduce((a, b) => a + b, 0) || 1;
  const coverOf: Cover = (words) =>
    q.terms.reduce((s, t) => s + (words.has(t) ? (weight.get(t) ?? 0) : 0), 0) / total;
  const max = (f: (c: Candidate) => number) => Math.max(1e-9, ...candidates.map(f));
  const [maxFused, maxDense, maxSparse] = [max((c) => c.fused), max((c) => c.dense), max((c) => c.sparse)];
  return candidates.map((c, i) => {
    const ss = split[i] as Sentence[];
    const windows = ss.map((s, j) => [...s.words, ...(ss[j + 1]?.words ?? [])]);
    const best = windows
      .map((words) => windowMatch(q, words, weight, coverOf))
      .reduce((a, b) => (b.cover + 0.01 * b.proximity > a.cover + 0.01 * a.proximity ? b : a), {
        cover: 0,
        bigram: 0,
        proximity: 0,
      });
    const exact =
      q.exact.length === 0 ? 0 : q.exact.filter((e) => c.text.includes(e)).length / q.exact.length;
    const heading = new Set(stems(`${c.title} ${c.section}`));
    const title = q.terms.length === 0 ? 0 : q.terms.filter((t) => heading.has(t)).length / q.terms.length;
    return [
      c.fused / maxFused,
      Math.max(0, c.dense) / maxDense,
      c.sparse / maxSparse,
      best.cover,
      coverOf(new Set(ss.flatMap((s) => s.words))),
      best.bigram,
      best.proximity,
      exact,
      title,
      Math.max(0, ...ss.map((s) => coverOf(s.set))),
    ];
  });
}

/** The linear score of one feature vector. */
export function scoreOf(x: number[], weights: Weights = RERANK_WEIGHTS): number {
  return FEATURES.reduce((s, f, i) => s + weights[f] * (x[i] ?? 0), 0);
}

/**
 * The second stage: the candidates re-ordered by a linear score over their features, best first,
 * each with that score. The weights are fitted on part of the QA set (bench/answer/rerank-fit.ts).
 */
export function rerank(
  question: string,
  candidates: Candidate[],
  weights: Weights = RERANK_WEIGHTS,
): { id: string; score: number }[] {
  const xs = rerankFeatures(question, candidates);
  return candidates
    .map((c, i) => ({ id: c.id, score: scoreOf(xs[i] as number[], weights) }))
    .sort((a, b) => b.score - a.score);
}
