import type { Sentiment } from "../records.ts";
import { type ExtractedEpisode, extractEpisodes } from "./episodes.ts";
import { type ExtractedFact, extractFacts } from "./facts.ts";
import { importanceOf } from "./importance.ts";
import { detectLanguage, type Language } from "./language.ts";
import { sentimentOf } from "./sentiment.ts";

/** Everything the rule-based extractor reads in one message of the user. */
export interface MessageAnalysis {
  language: Language;
  sentiment: Sentiment;
  /** The AFINN score behind `sentiment`. */
  sentimentScore: number;
  /** 0–1 (importanceOf). */
  importance: number;
  facts: ExtractedFact[];
  episodes: ExtractedEpisode[];
  /** Whether the message asks something (then its "I …" clauses are not statements of fact). */
  question: boolean;
}

const QUESTION = /[?¿]\s*$|^\s*¿/u;

/** Language, sentiment, importance, facts and episodes of a user's message: rules only, always available. */
export function analyseMessage(text: string): MessageAnalysis {
  const language = detectLanguage(text);
  const s = sentimentOf(text, language);
  const question = QUESTION.test(text.trim());
  const facts = question ? [] : extractFacts(text, language);
  return {
    language,
    sentiment: s.label,
    sentimentScore: s.score,
    importance: importanceOf(text, s.intensity, language),
    facts,
    episodes: extractEpisodes(text, language, s, facts),
    question,
  };
}
