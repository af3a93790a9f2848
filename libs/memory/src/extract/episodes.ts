import type { Sentiment } from "../records.ts";
import type { ExtractedFact } from "./facts.ts";
import type { Language } from "./language.ts";

/** A memorable moment found in one message, before it gets its ids. */
export interface ExtractedEpisode {
  type: "emotional_moment" | "milestone" | "plan";
  title: string;
  /** Half-life in days of its weight in recall. */
  temporal_decay: number;
}

const MILESTONES: Record<Language, RegExp> = {
  en: /\b(graduated|got married|got engaged|got promoted|promotion|new job|had a baby|bought a (?:house|flat|home)|retired|passed my (?:exam|test)|moved house|won)\b/iu,
  es: /(?<![\p{L}])(me gradué|me casé|me comprometí|me ascendieron|nuevo trabajo|tuve un bebé|compré una casa|me jubilé|aprobé|me mudé|gané)(?![\p{L}])/iu,
};
/** The AFINN score (either sign) from which a message is an emotional moment. */
const EMOTIONAL_SCORE = 3;
const HALF_LIFE_DAYS = { emotional_moment: 30, milestone: 365, plan: 60 } as const;

const titleOf = (text: string) => (text.length <= 80 ? text : `${text.slice(0, 77).trimEnd()}…`);

/**
 * The episodes a message is: an emotional moment when its sentiment is strong, a milestone when it
 * tells of one (graduated, married, a new job…), a plan when it states where the speaker is going.
 */
export function extractEpisodes(
  text: string,
  language: Language,
  sentiment: { score: number; label: Sentiment },
  facts: ExtractedFact[],
): ExtractedEpisode[] {
  const title = titleOf(text.trim());
  const out: ExtractedEpisode[] = [];
  if (Math.abs(sentiment.score) >= EMOTIONAL_SCORE)
    out.push({ type: "emotional_moment", title, temporal_decay: HALF_LIFE_DAYS.emotional_moment });
  if (MILESTONES[language].test(text))
    out.push({ type: "milestone", title, temporal_decay: HALF_LIFE_DAYS.milestone });
  if (facts.some((f) => f.category === "plans"))
    out.push({ type: "plan", title, temporal_decay: HALF_LIFE_DAYS.plan });
  return out;
}
