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
  async promptLines(user: string, vector: number[]): Promise<string[]> {
    if (!this.store) return [];
    const [facts, episodes] = await Promise.all([this.store.facts(user), this.#episodes(user, vector)]);
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

  /** The user's episodes near the question: similarity × importance/10 × ½^(age / half-life). */
  async #episodes(user: string, vector: number[]): Promise<Episode[]> {
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
      const decay = 0.5 ** ((now - e.timestamp) / DAY_MS / e.temporal_decay);
      ranked.push({ e, weight: Math.max(0, h.score) * (e.importance / 10) * decay });
    }
    return ranked
      .sort((a, b) => b.weight - a.weight)
      .slice(0, PROMPT_EPISODES)
      .map((r) => r.e);
  }
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
