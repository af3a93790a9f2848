import type { Language } from "./language.ts";

const PRONOUNS: Record<Language, RegExp> = {
  en: /\b(i|i'm|i've|i'll|me|my|mine|myself)\b/i,
  es: /(^|[^\p{L}])(yo|me|mi|mis|conmigo|mío|mía)(?![\p{L}])/iu,
};

/**
 * How much a message matters to remember, 0–1 (the Emotional RAG design's formula): a baseline of 0.5,
 * + 0.3 × the emotional intensity, + 0.1 for a long message (over 200 characters), + 0.05 for a
 * question, + 0.05 for an exclamation, + 0.1 when the speaker talks about themselves; at most 1.
 */
export function importanceOf(text: string, intensity: number, language: Language): number {
  let score = 0.5 + 0.3 * intensity;
  if (text.length > 200) score += 0.1;
  if (/[?¿]/.test(text)) score += 0.05;
  if (/[!¡]/.test(text)) score += 0.05;
  if (PRONOUNS[language].test(text)) score += 0.1;
  return Math.round(Math.min(1, score) * 1000) / 1000;
}
