import { sentences, terms } from "@lumina/text";

/**
 * The numbers a text names — years, counts, ordinals ("1950", "14,736" → "14736", "10th" → "10"):
 * what a question asks about exactly, and what a passage that answers it must state.
 */
export function numbersOf(text: string): string[] {
  return [...text.matchAll(/\d+(?:[.,]\d{3})*(?:\.\d+)?/g)].map((m) => m[0].replace(/,/g, ""));
}

/** A cited passage: its article's title and its text. */
export interface CitedText {
  title: string;
  text: string;
}

/**
 * The share (0–1) of the question's numbers that one sentence of the cited passages states about the
 * question's subject — a sentence that names one of the question's capitalised names, or that belongs
 * to an article whose title does; undefined when the question names no number. "What was the
 * population of Bodmin in 1950?" answered from Bodmin's article (2011 census, no 1950) and a sentence
 * of "United Kingdom" about 1950 has 0: on the topic, but not what was asked.
 */
export function specificsFound(question: string, cited: CitedText[]): number | undefined {
  const asked = new Set(numbersOf(question));
  if (asked.size === 0) return undefined;
  const names = nameTerms(question);
  let best = 0;
  for (const c of cited) {
    const title = terms(c.title);
    const titleNumbers = numbersOf(c.title); // "2008 British motorcycle Grand Prix" states 2008
    for (const sentence of sentences(c.text)) {
      const words = new Set([...terms(sentence), ...title]);
      if (names.length > 0 && !names.some((n) => words.has(n))) continue;
      const stated = new Set([...numbersOf(sentence), ...titleNumbers]);
      best = Math.max(best, [...asked].filter((n) => stated.has(n)).length / asked.size);
    }
  }
  return best;
}

/** The terms of the question's capitalised words past its first (names: "Bodmin", "Toronto Star"). */
function nameTerms(question: string): string[] {
  return question
    .split(/\s+/)
    .slice(1)
    .filter((w) => /^\p{Lu}/u.test(w))
    .flatMap((w) => terms(w));
}
