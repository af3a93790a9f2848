import type { Language } from "./language.ts";
import { type FactRule, RULES } from "./fact-rules.ts";

/** A fact drawn from one message, before the store merges it with what it knew. */
export interface ExtractedFact {
  category: string;
  key: string;
  value: string | number;
  confidence: number;
  /** The words of the message it came from. */
  context: string;
}

/** Sets of things (likes, dislikes): one fact per item, keyed by the item. */
const SET_KEYS = new Set(["likes", "dislikes"]);
const LEADING_ARTICLE = /^(the|a|an|el|la|los|las|un|una)\s+/iu;

const keyOf = (rule: FactRule, m: RegExpMatchArray, value: string): string => {
  const key = rule.key.replace(/\$(\d)/g, (_, g: string) => (m[Number(g)] ?? "").toLowerCase());
  return SET_KEYS.has(key) ? `${key}:${value.toLowerCase()}` : key;
};

const cleaned = (raw: string): string =>
  raw
    .trim()
    .replace(/[.\s]+$/u, "")
    .replace(LEADING_ARTICLE, "")
    .split(/\s+/)
    .slice(0, 6)
    .join(" ");

/**
 * The facts a message states about its speaker, by the rules of its language (extract/fact-rules.ts).
 * A key found twice keeps the first match; a value that must be a name or place but starts in lower
 * case is dropped.
 */
export function extractFacts(text: string, language: Language): ExtractedFact[] {
  const found = new Map<string, ExtractedFact>();
  for (const rule of RULES[language]) {
    for (const m of text.matchAll(new RegExp(rule.pattern.source, `${rule.pattern.flags}g`))) {
      const raw = m[rule.value];
      if (!raw) continue;
      const value = cleaned(raw);
      if (!value || (rule.proper && !/^\p{Lu}/u.test(value))) continue;
      const key = keyOf(rule, m, value);
      if (found.has(`${rule.category}/${key}`)) continue;
      found.set(`${rule.category}/${key}`, {
        category: rule.category,
        key,
        value: /^\d+$/.test(value) && key === "age" ? Number(value) : value,
        confidence: rule.confidence,
        context: m[0].trim(),
      });
    }
  }
  return [...found.values()];
}
