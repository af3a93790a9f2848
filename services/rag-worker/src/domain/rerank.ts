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

/** A chunk as the scorer reads it: its sentences' stems, and every stem of it. */
interface Analysed {
  sentences: Sentence[];
  words: Set<string>;
}

/**
 * Analyses of texts seen lately, by text: a chat question's candidates are mostly chunks that earlier
 * questions had too, and splitting and stemming them was most of this stage's time and garbage.
 * Cleared when full, like the stem cache of @lumina/text: 1,000 analyses (about 5 KB each for a
 * SQuAD paragraph) are fifty questions' worth of RERANK_CANDIDATES (20), all different.
 */
const analyses = new Map<string, Analysed>();
const ANALYSES_MAX = 1_000;

function analysed(text: string): Analysed {
  let a = analyses.get(text);
  if (a === undefined) {
    if (analyses.size >= ANALYSES_MAX) analyses.clear();
    const ss = sentences(text).map((t): Sentence => {
      const words = stems(t);
      return { words, set: new Set(words) };
    });
    a = { sentences: ss, words: new Set(ss.flatMap((x) => x.words)) };
    analyses.set(text, a);
  }
  return a;
}

/** The question as the scorer reads it: terms, their adjacent pairs, its numbers and names. */
interface Asked {
  terms: string[];
  /** Adjacent term pairs, each once. */
  pairs: [string, string][];
  exact: string[];
}

function asked(question: string): Asked {
  const ts = stems(question);
  const pairs = new Map(
    ts.slice(1).map((t, i): [string, [string, string]] => [`${ts[i]} ${t}`, [ts[i] as string, t]]),
  );
  const words = question.match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu) ?? [];
  // numbers anywhere, capitalised words past the first (which is capitalised as a sentence start)
  const exact = words.filter((w, i) => /\p{N}/u.test(w) || (i > 0 && /^\p{Lu}/u.test(w)));
  return { terms: [...new Set(ts)], pairs: [...pairs.values()], exact: [...new Set(exact)] };
}

/** The question's terms with their weights (IDF among the candidates' sentences), and their sum. */
interface Weighed {
  q: Asked;
  weight: Map<string, number>;
  total: number;
}

/** Share of the question's term weight that `has` says a text contains. */
function cover({ q, weight, total }: Weighed, has: (term: string) => boolean): number {
  return q.terms.reduce((s, t) => s + (has(t) ? (weight.get(t) ?? 0) : 0), 0) / total;
}

/** Whether `x y` stand next to each other in the words of `a` followed by those of `b`. */
function adjacent(a: string[], b: string[], x: string, y: string): boolean {
  const n = a.length + b.length;
  const at = (i: number) => (i < a.length ? a[i] : b[i - a.length]);
  for (let i = 0; i + 1 < n; i++) if (at(i) === x && at(i + 1) === y) return true;
  return false;
}

/** Position of the first (step 1) or last (step −1) asked word in the words of `a` then `b`. */
function edge(a: string[], b: string[], w: Weighed, step: 1 | -1): number | undefined {
  const n = a.length + b.length;
  for (let k = 0; k < n; k++) {
    const i = step === 1 ? k : n - 1 - k;
    if (w.weight.has((i < a.length ? a[i] : b[i - a.length]) as string)) return i;
  }
  return undefined;
}

/**
 * One window (a sentence and the next, when there is one): weighted coverage, the share of the
 * question's pairs found adjacent in it, and how close together its matched terms stand.
 */
function windowMatch(w: Weighed, a: Sentence, b: Sentence | undefined) {
  const has = (t: string) => a.set.has(t) || (b?.set.has(t) ?? false);
  const rest = b?.words ?? [];
  const { q } = w;
  const matched = q.terms.filter(has).length;
  const bigram =
    q.pairs.length === 0
      ? 0
      : q.pairs.filter(([x, y]) => adjacent(a.words, rest, x, y)).length / q.pairs.length;
  const first = edge(a.words, rest, w, 1);
  const span = first === undefined ? 1 : (edge(a.words, rest, w, -1) as number) - first + 1;
  const proximity = matched <= 1 ? matched / Math.max(1, q.terms.length) : matched / span;
  return { cover: cover(w, has), bigram, proximity };
}

/** The question's terms weighed by how rare each is among all the candidates' sentences. */
function weighed(q: Asked, texts: Analysed[]): Weighed {
  let count = 0;
  for (const t of texts) count += t.sentences.length;
  const weight = new Map(
    q.terms.map((term) => {
      let n = 0;
      for (const t of texts) for (const s of t.sentences) if (s.set.has(term)) n++;
      return [term, Math.log(1 + count / (1 + n))];
    }),
  );
  return { q, weight, total: [...weight.values()].reduce((a, b) => a + b, 0) || 1 };
}

/** The best window of a candidate (see windowMatch), by coverage then proximity. */
function bestWindow(w: Weighed, ss: Sentence[]) {
  let best = { cover: 0, bigram: 0, proximity: 0 };
  ss.forEach((s, j) => {
    const m = windowMatch(w, s, ss[j + 1]);
    if (m.cover + 0.01 * m.proximity > best.cover + 0.01 * best.proximity) best = m;
  });
  return best;
}

/** The feature vectors (in FEATURES order) of each candidate for `question`. */
export function rerankFeatures(question: string, candidates: Candidate[]): number[][] {
  const q = asked(question);
  const texts = candidates.map((c) => analysed(c.text));
  const w = weighed(q, texts);
  const max = (f: (c: Candidate) => number) => Math.max(1e-9, ...candidates.map(f));
  const [maxFused, maxDense, maxSparse] = [max((c) => c.fused), max((c) => c.dense), max((c) => c.sparse)];
  return candidates.map((c, i) => {
    const { sentences: ss, words } = texts[i] as Analysed;
    const best = bestWindow(w, ss);
    const exact =
      q.exact.length === 0 ? 0 : q.exact.filter((e) => c.text.includes(e)).length / q.exact.length;
    const heading = new Set(stems(`${c.title} ${c.section}`));
    const title = q.terms.length === 0 ? 0 : q.terms.filter((t) => heading.has(t)).length / q.terms.length;
    return [
      c.fused / maxFused,
      Math.max(0, c.dense) / maxDense,
      c.sparse / maxSparse,
      best.cover,
      cover(w, (t) => words.has(t)),
      best.bigram,
      best.proximity,
      exact,
      title,
      ss.reduce(
        (m, s) =>
          Math.max(
            m,
            cover(w, (t) => s.set.has(t)),
          ),
        0,
      ),
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
