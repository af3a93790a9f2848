export { type ConfidenceInput, confidence, SPECIFICS_FLOOR } from "./confidence.ts";
export { type CitedText, numbersOf, specificsFound } from "./specifics.ts";
export { type ExtractiveAnswer, extractAnswer, type Passage, termCoverage } from "./extractive.ts";
export { applyPrior, type FusionName, fuse, type Ranked } from "./fusion.ts";
export { permalink, type Quote, quoteOf } from "./citation.ts";
export {
  buildPrompt,
  DEFAULT_SHARES,
  fitPrompt,
  parseShares,
  type PromptInput,
  type PromptShares,
  quote,
  RULES,
  SYSTEM_PROMPT,
} from "./prompt.ts";
export { topicsOf } from "./topics.ts";
export { subjectTitles } from "./subject.ts";
export {
  type Candidate,
  FEATURES,
  type Feature,
  RERANK_WEIGHTS,
  rerank,
  rerankFeatures,
  scoreOf,
  type Weights,
} from "./rerank.ts";
