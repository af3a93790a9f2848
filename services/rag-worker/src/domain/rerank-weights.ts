/** Written by `npm run bench:answer -- --fit` (bench/answer/rerank-fit.ts); do not edit by hand. Fitted on the 147 answerable "fit" questions. */
export const RERANK_WEIGHTS = {
  fused: 4.226,
  dense: 0.993,
  bm25: 2.709,
  window: 1.981,
  chunk: -1.663,
  bigram: 5.313,
  proximity: 0.853,
  exact: 3.769,
  title: 0.028,
  sentence: 4.592,
};
