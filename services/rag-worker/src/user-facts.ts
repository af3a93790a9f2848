import { COLLECTIONS } from "@lumina/events";
import {
  analyseMessage,
  type Episode,
  describeFact,
  type Fact,
  factText,
  type Language,
  type MemoryStore,
  userQuestion,
} from "@lumina/memory";
import type { PastMoment } from "@lumina/persona";
import type { VectorStore } from "@lumina/vectors";

/** What the user told Lumina, as an answer: the wording, the facts it cites and their messages. */
export interface FactAnswer {
  answer: string;
  facts: Fact[];
  /** The source messages' words, by message id. */
  quotes: Map<string, string>;
  confidence: number;
}

/** Facts and episodes shown to a model, at most. */
const PROMPT_FACTS = 12;
const PROMPT_EPISODES = 3;
const USER_MEMORY = COLLECTIONS.userMemory;
const DAY_MS = 86_400_000;
/** A past episode of the feeling the user shows now weighs this much more in recall. */
const SAME_FEELING = 1.5;
/** Episodes looked through for past moments of a feeling. */
const MOMENTS_SCANNED = 200;
const weightOf = (e: Episode, now: number, similarity: number, emotion?: string) =>
  Math.max(0, similarity) *
  (e.importance / 10) *
  0.5 ** ((now - e.timestamp) / DAY_MS / e.temporal_decay) *
  (emotion && e.metadata.emotion === emotion ? SAME_FEELING : 1);
const sentence = (parts: string[]) => {
  const s = parts.join("; ");
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
};

/**
 * The rag-worker's reads of the memory of users (written by the memory service): questions about the
 * user answered from their facts, and the facts a model's prompt carries. Never another user's: every
 * read is by the asking user's id.
 */
export class UserFacts {
  constructor(
    private readonly store: MemoryStore | undefined,
    /** Where the memory service keeps the vectors of users' memories (collection user_memory). */
    private readonly vectors?: VectorStore,
  ) {}

  /** An answer from the user's facts when the question is about the user and a fact answers it. */
  async answer(user: string, question: string): Promise<FactAnswer | undefined> {
    const asked = userQuestion(question);
    if (!asked || !this.store) return undefined;
    const facts = (await this.store.facts(user)).filter(asked.matches);
    if (facts.length === 0) return undefined;
    const messages = await this.store.messages(user, {
      ids: [...new Set(facts.map((f) => f.source_message_id))],
    });
    const quotes = new Map(messages.map((m) => [m.id, m.content]));
    const told = asked.language === "es" ? "me lo dijiste" : "you told me";
    const cites = facts.map((f) =>
      quotes.has(f.source_message_id) ? ` (${told}: "${quotes.get(f.source_message_id)}")` : "",
    );
    const parts = facts.map((f, i) => `${describeFact(f, asked.language)}${cites[i]}`);
    return {
      answer: sentence(parts),
      facts,
      quotes,
      confidence: Math.min(...facts.map((f) => f.confidence)),
    };
  }

  /**
   * What a model's prompt carries about the user: their facts (most mentioned, then most recent), and
   * the episodes closest to the question ranked by relevance × importance × temporal decay.
   */
  async promptLines(user: string, vector: number[], emotion?: string): Promise<string[]> {
    if (!this.store) return [];
    const [facts, episodes] = await Promise.all([
      this.store.facts(user),
      this.#episodes(user, vector, emotion),
    ]);
    return [
      ...facts
        .sort((a, b) => b.mention_count - a.mention_count || b.last_updated - a.last_updated)
        .slice(0, PROMPT_FACTS)
        .map((f) => `The user told you earlier: ${factText(f)}`),
      ...episodes.map(
        (e) =>
          `A moment the user shared (${new Date(e.timestamp).toISOString().slice(0, 10)}, ${e.sentiment}): ${e.summary}`,
      ),
    ];
  }

  relationship(user: string, session: string, persona: string) {
    return relationshipOf(this.store, user, session, persona);
  }

  /** The name the user gave, as a fact. */
  async nameFact(user: string): Promise<Fact | undefined> {
    if (!this.store) return undefined;
    return (await this.store.facts(user, { category: "personal_info" })).find((f) => f.key === "name");
  }

  async name(user: string): Promise<string | undefined> {
    const fact = await this.nameFact(user);
    return typeof fact?.value === "string" ? fact.value : undefined;
  }

  /** Past emotional moments of this feeling, most important and recent first (for the emotional context). */
  async emotionalMoments(user: string, emotion: string): Promise<PastMoment[]> {
    if (!this.store) return [];
    const now = Date.now();
    return (await this.store.episodes(user, { limit: MOMENTS_SCANNED }))
      .filter((e) => e.type === "emotional_moment" && e.metadata.emotion === emotion)
      .map((e) => ({ e, weight: weightOf(e, now, 1) }))
      .sort((a, b) => b.weight - a.weight)
      .map(({ e }) => ({ date: new Date(e.timestamp).toISOString().slice(0, 10), summary: e.summary }));
  }

  /**
   * The user's episodes near the question: similarity × importance/10 × ½^(age / half-life), × 1.5
   * for one of the feeling the user shows now.
   */
  async #episodes(user: string, vector: number[], emotion?: string): Promise<Episode[]> {
    if (!this.vectors || !this.store) return [];
    const hits = await this.vectors
      .query(USER_MEMORY, {
        mode: "dense",
        vector,
        limit: 10,
        filter: { user_id: user, kind: "episode" },
        fields: ["user_id"],
      })
      .catch(() => []); // no memory service has written yet: nothing to recall
    const now = Date.now();
    const ranked: { e: Episode; weight: number }[] = [];
    for (const h of hits) {
      const e = await this.store.episodeById(h.id);
      if (!e || e.user_id !== user) continue;
      ranked.push({ e, weight: weightOf(e, now, h.score, emotion) });
    }
    return ranked
      .sort((a, b) => b.weight - a.weight)
      .slice(0, PROMPT_EPISODES)
      .map((r) => r.e);
  }
}

/**
 * The user's relationship with a persona and the session's mood, as the memory service last set them
 * (nothing yet: undefined points and mood).
 */
export async function relationshipOf(
  store: MemoryStore | undefined,
  user: string,
  session: string,
  persona: string,
): Promise<{ points: number | undefined; mood: string | undefined; intensity: number }> {
  if (!store) return { points: undefined, mood: undefined, intensity: 0 };
  const [[affinity], [mood]] = await Promise.all([store.affinity(user, persona), store.moods(user, session)]);
  return {
    points: affinity?.affinity_points,
    mood: mood?.current_mood,
    intensity: mood?.mood_intensity ?? 0,
  };
}

/**
 * A statement about the speaker ("Me llamo Carlos, voy al Himalaya") acknowledged in their language,
 * when no model is there to reply: Lumina says what it will remember instead of quoting an article.
 */
export function acknowledgement(
  question: string,
): { answer: string; confidence: number; language: Language } | undefined {
  const a = analyseMessage(question);
  if (a.question || a.facts.length === 0) return undefined;
  const parts = a.facts.map((f) => describeFact(f, a.language));
  const lead = a.language === "es" ? "Gracias, lo recordaré: " : "Thank you, I will remember that: ";
  return {
    answer: `${lead}${parts.join("; ")}.`,
    confidence: Math.min(...a.facts.map((f) => f.confidence)),
    language: a.language,
  };
}
