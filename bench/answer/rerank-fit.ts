/**
 * Fitting the second stage's weights: a linear score over the features of each question's top
 * candidates, trained so that a softmax over them puts its mass on the paragraph that holds the answer
 * (listwise logistic loss, plain gradient descent, a little L2). Questions whose paragraph is not among
 * the candidates teach nothing and are left out.
 */
import { type Candidate, FEATURES, fuse, rerankFeatures, type Weights } from "@lumina/rag-worker/domain";
import type { Hit } from "@lumina/vectors";
import type { Searched } from "./corpus.ts";

/** How many fused candidates the second stage re-orders (the rag-worker's RERANK_CANDIDATES default). */
export const RERANK_TOP = 20;

/** The fused top candidates of a searched question, as the rag-worker hands them to the second stage. */
export function candidatesOf(s: Searched, top = RERANK_TOP): Candidate[] {
  const fused = fuse({ dense: s.dense, sparse: s.sparse }, "score");
  const dense = new Map(s.dense.map((h) => [h.id, h]));
  const sparse = new Map(s.sparse.map((h) => [h.id, h]));
  return [...fused]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([id, score]) => {
      const hit = (dense.get(id) ?? sparse.get(id)) as Hit;
      return {
        id,
        text: hit.text,
        title: String(hit.payload.title),
        section: String(hit.payload.section ?? ""),
        dense: dense.get(id)?.score ?? 0,
        sparse: sparse.get(id)?.score ?? 0,
        fused: score,
      };
    });
}

interface Sample {
  xs: number[][];
  answer: number;
}

export function samplesOf(searched: Searched[]): Sample[] {
  return searched.flatMap((s) => {
    const cands = candidatesOf(s);
    const answer = cands.findIndex((c) => c.id === s.paragraph);
    return answer < 0 ? [] : [{ xs: rerankFeatures(s.question, cands), answer }];
  });
}

function gradient(samples: Sample[], w: number[], l2: number): { loss: number; grad: number[] } {
  const grad = w.map((x) => l2 * x);
  let loss = 0;
  for (const { xs, answer } of samples) {
    const z = xs.map((x) => x.reduce((s, v, i) => s + v * (w[i] as number), 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, b) => a + b, 0);
    loss -= Math.log((e[answer] as number) / sum);
    xs.forEach((x, k) => {
      const p = (e[k] as number) / sum - (k === answer ? 1 : 0);
      x.forEach((v, i) => (grad[i] = (grad[i] as number) + (p * v) / samples.length));
    });
  }
  return { loss: loss / samples.length, grad };
}

/** Weights that minimise the listwise loss on `samples` (rounded to 3 decimals). */
export function fitWeights(samples: Sample[], { steps = 1500, rate = 2, l2 = 1e-3 } = {}): Weights {
  let w: number[] = FEATURES.map((f) => (f === "fused" ? 1 : 0));
  for (let step = 0; step < steps; step++) {
    const { grad } = gradient(samples, w, l2);
    w = w.map((x, i) => x - rate * (grad[i] as number));
  }
  return Object.fromEntries(
    FEATURES.map((f, i) => [f, Math.round((w[i] as number) * 1000) / 1000]),
  ) as Weights;
}

/** The TypeScript module that holds the fitted weights. */
export function weightsModule(weights: Weights, note: string): string {
  const lines = FEATURES.map((f) => `  ${f}: ${weights[f]},`).join("\n");
  return `/** Written by \`npm run bench:answer -- --fit\` (bench/answer/rerank-fit.ts); do not edit by hand. ${note} */
export const RERANK_WEIGHTS = {
${lines}
};
`;
}
