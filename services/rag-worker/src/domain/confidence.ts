/**
 * How sure Lumina is of an answer, 0–1. Three signals, each 0–1:
 * - support: how close the best retrieved chunk is to the question — its dense cosine similarity mapped
 *   linearly from `floor` (unrelated text typically scores below it) to `ceiling` (a passage that
 *   answers the question typically scores above it);
 * - coverage: the share of the question's term weight found in the text the answer cites;
 * - fluency (model answers only): the geometric mean probability the model gave its own tokens,
 *   exp(mean log-probability).
 * Extractive answers: 0.5·support + 0.5·coverage. Model answers: 0.4·support + 0.3·coverage +
 * 0.3·fluency. An answer that cites nothing scores 0 (extractive) or at most 0.15 (0.15·fluency),
 * however fluent it is. The floor and ceiling are calibrated on the QA set (bench/answer).
 * When the question names numbers (a year, a count), the result is multiplied by
 * SPECIFICS_FLOOR + (1 − SPECIFICS_FLOOR)·found, `found` the share of them the cited text states: a
 * passage on the topic that does not state the year asked about is not an answer to it.
 */
export interface ConfidenceInput {
  topDense: number | undefined;
  coverage: number;
  meanLogprob?: number;
  cited: boolean;
  floor: number;
  ceiling: number;
  /** share of the question's numbers the cited text states (specificsFound); absent: it names none */
  specifics?: number | undefined;
}

/** What an answer keeps of its confidence when the cited text states none of the question's numbers. */
export const SPECIFICS_FLOOR = 0.3;

export function confidence(input: ConfidenceInput): number {
  if (!input.cited || input.topDense === undefined) {
    return input.meanLogprob === undefined ? 0 : round(0.3 * Math.exp(input.meanLogprob) * 0.5);
  }
  const support = clamp01((input.topDense - input.floor) / (input.ceiling - input.floor));
  const coverage = clamp01(input.coverage);
  const value =
    input.meanLogprob === undefined
      ? 0.5 * support + 0.5 * coverage
      : 0.4 * support + 0.3 * coverage + 0.3 * clamp01(Math.exp(input.meanLogprob));
  const specifics =
    input.specifics === undefined ? 1 : SPECIFICS_FLOOR + (1 - SPECIFICS_FLOOR) * clamp01(input.specifics);
  return round(value * specifics);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
const round = (x: number) => Math.round(x * 1000) / 1000;
