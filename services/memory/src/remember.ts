import type { Embedder } from "@lumina/embeddings";
import { COLLECTIONS } from "@lumina/events";
import {
  analyseMessage,
  detectEmotion,
  type ExtractedEpisode,
  type ExtractedFact,
  type MessageAnalysis,
  type Episode,
  type Fact,
  type FactEvent,
  factText,
  type MemoryStore,
  type StoredMessage,
} from "@lumina/memory";
import type { CollectionUpkeep, VectorRecord, VectorStore } from "@lumina/vectors";
import type { MemoryKind } from "./memories.ts";
import type { ModelExtractor } from "./model-extractor.ts";

export const USER_MEMORY = COLLECTIONS.userMemory;

/** A message to remember, from a chat turn or the mem0 API. */
export interface IncomingMessage {
  id: string;
  user: string;
  session: string;
  agent: string;
  role: StoredMessage["role"];
  content: string;
  ts: number;
  metadata: Record<string, unknown>;
  /** Whether to draw facts and episodes from it (mem0 `infer`). */
  infer: boolean;
}

export interface Remembered {
  message: StoredMessage;
  facts: { fact: Fact; event: FactEvent }[];
  episodes: Episode[];
  /** What of it goes into user_memory: the user's message, its facts, its episodes. */
  toIndex: MemoryToIndex[];
}

/** A memory whose text is embedded into user_memory. */
export interface MemoryToIndex {
  id: string;
  kind: MemoryKind;
  text: string;
  ts: number;
}

/** The vector record of a memory: its text, embedded, in user_memory, filterable by user and kind. */
export const vectorRecord = (
  id: string,
  user: string,
  kind: MemoryKind,
  text: string,
  ts: number,
  vector: number[],
): VectorRecord => ({
  id,
  vector,
  text,
  payload: { user_id: user, kind, ts, memory_id: id },
});

/**
 * Writes a message and what it says about its speaker: the message itself, the facts (merged by the
 * store), the episodes, and their vectors in user_memory. Every write is idempotent, so a redelivered
 * turn leaves memory as it was: the message and episodes have ids of their own, and the store counts
 * a fact's mention once per source message.
 */
export class Rememberer {
  constructor(
    private readonly deps: {
      store: MemoryStore;
      vectors: VectorStore;
      embedder: Embedder;
      upkeep: CollectionUpkeep;
      /** The model writer of extraction (MEMORY_LLM_BASE_URL); without it, the rules. */
      model?: ModelExtractor;
      onModelError?: (err: unknown) => void;
      /** Counts each message's extraction by its writer. */
      onExtracted?: (writer: "model" | "rules") => void;
    },
  ) {}

  /**
   * Remembers one message; its vectors are written at once, or left to the caller (`deferIndex`) to
   * write many in one batch — one vector-store write per message would cost more than the rest.
   */
  async remember(m: IncomingMessage, opts: { deferIndex?: boolean } = {}): Promise<Remembered> {
    const fromUser = m.role === "user";
    const a = fromUser ? analyseMessage(m.content) : undefined;
    const message: StoredMessage = {
      id: m.id,
      user_id: m.user,
      session_id: m.session,
      agent_id: m.agent,
      role: m.role,
      content: m.content,
      ts: m.ts,
      infer: m.infer,
      sentiment: a?.sentiment ?? "neutral",
      importance: a?.importance ?? 0,
      metadata: m.metadata,
    };
    await this.deps.store.addMessage(message);
    const facts: Remembered["facts"] = [];
    const episodes: Episode[] = [];
    if (a && m.infer) {
      const found = await this.#extract(m.content, a);
      for (const f of found.facts) {
        const extra = { extractor: found.writer, ...(m.agent ? { agent_id: m.agent } : {}) };
        facts.push(
          await this.deps.store.observeFact({
            user_id: m.user,
            session_id: m.session,
            category: f.category,
            key: f.key,
            value: f.value,
            confidence: f.confidence,
            source_message_id: m.id,
            ts: m.ts,
            context: f.context,
            metadata: { ...m.metadata, ...extra },
          }),
        );
      }
      for (const e of found.episodes)
        episodes.push(
          this.#episode(
            message,
            e,
            facts.map((f) => f.fact.id),
          ),
        );
      for (const e of episodes) await this.deps.store.addEpisode(e);
    }
    const toIndex = fromUser ? indexed(message, facts, episodes) : [];
    if (!opts.deferIndex) await this.index(m.user, toIndex);
    return { message, facts, episodes, toIndex };
  }

  /**
   * The facts and episodes of a user's message: the model's when one is configured and answers with
   * valid records, else the rules' (a question states no facts to either).
   */
  async #extract(
    text: string,
    a: MessageAnalysis,
  ): Promise<{ facts: ExtractedFact[]; episodes: ExtractedEpisode[]; writer: string }> {
    const { model } = this.deps;
    if (model && !a.question) {
      const found = await model.extract(text, a.language).catch((err: unknown) => {
        this.deps.onModelError?.(err);
        return undefined;
      });
      if (found) {
        this.deps.onExtracted?.("model");
        return { ...found, writer: "model" };
      }
    }
    this.deps.onExtracted?.("rules");
    return { facts: a.facts, episodes: a.episodes, writer: "rules" };
  }

  #episode(
    m: StoredMessage,
    e: { type: string; title: string; temporal_decay: number },
    related: string[],
  ): Episode {
    return {
      id: `${m.id}:${e.type}`,
      user_id: m.user_id,
      session_id: m.session_id,
      type: e.type,
      title: e.title,
      summary: m.content.slice(0, 4000),
      importance: Math.round(m.importance * 100) / 10,
      sentiment: m.sentiment,
      tags: [],
      context_messages: [m.id],
      timestamp: m.ts,
      temporal_decay: e.temporal_decay,
      related_facts: related,
      related_episodes: [],
      // The feeling it carries: the rag-worker recalls moments of the feeling the user shows now.
      metadata: {
        ...(m.agent_id ? { agent_id: m.agent_id } : {}),
        emotion: detectEmotion(m.content).emotion,
      },
    };
  }

  /** Embeds and upserts memories of one user in one batch (also after an edit or an import). */
  async index(user: string, items: MemoryToIndex[]): Promise<void> {
    if (items.length === 0) return;
    const vectors = await this.deps.embedder.embed(items.map((i) => i.text));
    const records = items.map((m, i) =>
      vectorRecord(m.id, user, m.kind, m.text, m.ts, vectors[i] as number[]),
    );
    await this.deps.upkeep.write(() => this.deps.vectors.upsert(USER_MEMORY, records));
  }

  /** Stops the collection's upkeep (after the last write). */
  stop(): Promise<void> {
    return this.deps.upkeep.stop();
  }

  /** Removes memories' vectors: one memory, or every one of a user. */
  async unindex(filter: { memory_id: string } | { user_id: string }): Promise<void> {
    await this.deps.upkeep.write(() => this.deps.vectors.delete(USER_MEMORY, filter));
  }
}

/** The message, its facts and its episodes, as memories to index. */
function indexed(m: StoredMessage, facts: Remembered["facts"], episodes: Episode[]): MemoryToIndex[] {
  return [
    { id: m.id, kind: "message", text: m.content, ts: m.ts },
    // Every fact of the message, also one already counted from it (NONE): a turn redelivered after a
    // crash between the store and the vector write still gets its vectors (upserts by id).
    ...facts.map((f): MemoryToIndex => ({ id: f.fact.id, kind: "fact", text: factText(f.fact), ts: m.ts })),
    ...episodes.map((e): MemoryToIndex => ({ id: e.id, kind: "episode", text: e.summary, ts: m.ts })),
  ];
}
