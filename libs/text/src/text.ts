import { stemmer } from "stemmer";

/** Words that carry no topic: dropped from query terms and topic extraction. */
const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being
  below between both but by can could did do does doing down during each few for from further had has
  have having he her here hers him his how i if in into is it its itself just me more most my no nor
  not now of off on once only or other our ours out over own same she should so some such than that
  the their theirs them then there these they this those through to too under until up very was we
  were what when where which while who whom why will with would you your yours known called named
  many much one two first`.split(/\s+/),
);

/** Lower-cased content words of `text` (letters and digits, stopwords and 1-letter words dropped). */
export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .map((w) => (w.length > 4 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w))
    .filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

/** `terms` reduced to their Porter stems ("measured", "measurement" → "measur"), for matching. */
export function stems(text: string): string[] {
  return terms(text).map(stemOf);
}

/** Stems of words seen lately: a chat question's candidates repeat most of their words. */
const stemCache = new Map<string, string>();
function stemOf(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    if (stemCache.size >= 50_000) stemCache.clear();
    stem = stemmer(word);
    stemCache.set(word, stem);
  }
  return stem;
}

/**
 * A sentence end: . ! ? then a space and a capital, digit or quote — but not the full stop of an
 * abbreviation or an initial ("St. Louis", "J. R. Smith").
 */
const SENTENCE_END =
  /(?<!\b(?:St|Mr|Mrs|Ms|Dr|Jr|Sr|No|Mt|Ft|vs|etc|Inc|Co|Ltd|Gen|Col|Lt|Sgt|Capt|Rev|Prof|e\.g|i\.e|U\.S|\p{Lu})\.)(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'(])/u;

/** Sentences of a passage (see SENTENCE_END). */
export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface SentenceSpan {
  /** Offsets in the passage: `text.slice(start, end)` is the sentence as it stands there. */
  start: number;
  end: number;
  text: string;
}

const SENTENCE_BREAKS = new RegExp(SENTENCE_END.source, "gu");

/** The sentences of a passage (the same breaks as `sentences`) with their offsets in it. */
export function sentenceSpans(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  const push = (from: number, to: number) => {
    const raw = text.slice(from, to);
    const start = from + (raw.length - raw.trimStart().length);
    const end = to - (raw.length - raw.trimEnd().length);
    if (end > start) spans.push({ start, end, text: text.slice(start, end) });
  };
  let from = 0;
  for (const m of text.matchAll(SENTENCE_BREAKS)) {
    push(from, m.index);
    from = m.index + m[0].length;
  }
  push(from, text.length);
  return spans;
}

export const isStopword = (word: string): boolean => STOPWORDS.has(word.toLowerCase());
