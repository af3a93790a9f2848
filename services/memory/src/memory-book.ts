import { randomUUID } from "node:crypto";
import type { StreamPublisher } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { UserForgotten } from "@lumina/events";
import { type MemoryStore, rekeySnapshot, type Snapshot } from "@lumina/memory";
import type { VectorStore } from "@lumina/vectors";
import { episodeItem, factItem, type MemoryItem, type MemoryKind, messageItem } from "./memories.ts";
import type { IncomingMessage, MemoryToIndex, Rememberer } from "./remember.ts";
import { readItem, type SearchOptions, searchMemories } from "./search.ts";

export interface AddInput {
  messages: { role: "user" | "assistant" | "system"; content: string }[];
  user: string;
  agent: string;
  run: string;
  metadata: Record<string, unknown>;
  infer: boolean;
  /** ms since the epoch (the messages' time), or now. */
  ts: number;
}

/** One change of a memory, in the mem0 history shape. */
export interface HistoryEntry {
  id: string;
  memory_id: string;
  input: { role: string; content: string }[];
  old_memory: string | null;
  new_memory: string | null;
  user_id: string;
  categories: string[];
  event: string;
  created_at: string;
  updated_at: string;
}

const asText = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v);

/**
 * The memory API's operations over the store, the vectors and the extractor: what both the mem0
 * routes and Lumina's own call. A memory is a user's message, a fact or an episode (memories.ts).
 */
export class MemoryBook {
  constructor(
    private readonly deps: {
      store: MemoryStore;
      vectors: VectorStore;
      embedder: Embedder;
      rememberer: Rememberer;
      /** Announces a forgotten user (user:forgotten) to the services that keep something of theirs. */
      publisher: StreamPublisher;
    },
  ) {}

  /** The store itself, for plain reads of one user's records. */
  get store(): MemoryStore {
    return this.deps.store;
  }

  /** Remembers the messages in order; returns the memories they made (the message, facts, episodes). */
  async add(input: AddInput): Promise<(MemoryItem & { event: string })[]> {
    const out: (MemoryItem & { event: string })[] = [];
    const toIndex: MemoryToIndex[] = [];
    for (const [i, m] of input.messages.entries()) {
      const incoming: IncomingMessage = {
        id: randomUUID(),
        user: input.user,
        session: input.run,
        agent: input.agent,
        role: m.role,
        content: m.content,
        ts: input.ts + i,
        metadata: input.metadata,
        infer: input.infer,
      };
      const r = await this.deps.rememberer.remember(incoming, { deferIndex: true });
      toIndex.push(...r.toIndex);
      if (m.role === "user") out.push({ ...messageItem(r.message), event: "ADD" });
      for (const f of r.facts)
        if (f.event !== "NONE")
          out.push({ ...factItem(f.fact), event: f.event === "ADD" ? "ADD" : "UPDATE" });
      for (const e of r.episodes) out.push({ ...episodeItem(e), event: "ADD" });
    }
    await this.deps.rememberer.index(input.user, toIndex);
    return out;
  }

  search(user: string, query: string, o: SearchOptions): Promise<MemoryItem[]> {
    return searchMemories(this.deps, user, query, o);
  }

  /** Every memory of a user, newest first: user messages, active facts, episodes. */
  async list(user: string): Promise<MemoryItem[]> {
    const { store } = this.deps;
    const [messages, facts, episodes] = await Promise.all([
      store.messages(user),
      store.facts(user),
      store.episodes(user),
    ]);
    return [
      ...messages.filter((m) => m.role === "user").map(messageItem),
      ...facts.map(factItem),
      ...episodes.map(episodeItem),
    ].sort((a, b) => b.updated_at.localeCompare(a.updated_at) || a.id.localeCompare(b.id));
  }

  get(id: string): Promise<MemoryItem | undefined> {
    return readItem(this.deps.store, undefined, id);
  }

  /** New text (and metadata) for a memory; its vector follows. */
  async update(id: string, text: string | undefined, metadata: Record<string, unknown> | undefined) {
    const { store } = this.deps;
    const item = await this.get(id);
    if (!item) return undefined;
    const kind = item.metadata.kind as MemoryKind;
    const newText = text ?? item.memory;
    if (kind === "fact") await store.setFactValue(id, text ?? (item.metadata.value as unknown), metadata);
    if (kind === "episode") await store.updateEpisode(id, newText, metadata);
    if (kind === "message") await store.updateMessage(id, newText, metadata);
    const updated = await this.get(id);
    if (updated)
      await this.deps.rememberer.index(updated.user_id, [{ id, kind, text: updated.memory, ts: Date.now() }]);
    return updated;
  }

  async delete(id: string): Promise<boolean> {
    const { store } = this.deps;
    const item = await this.get(id);
    if (!item) return false;
    const kind = item.metadata.kind as MemoryKind;
    if (kind === "fact") await store.deleteFact(id);
    if (kind === "episode") await store.deleteEpisode(id);
    if (kind === "message") await store.deleteMessage(id);
    await this.deps.rememberer.unindex({ memory_id: id });
    return true;
  }

  /** Whether Lumina remembers anything of `user` (a message, or a fact, even a forgotten one). */
  async knows(user: string): Promise<boolean> {
    const { store } = this.deps;
    if ((await store.messages(user, { limit: 1 })).length > 0) return true;
    return (await store.facts(user, { includeInactive: true })).length > 0;
  }

  users() {
    return this.deps.store.users();
  }

  /**
   * Forgets a user entirely: records, history and vectors here; user:forgotten tells the rag-worker to
   * delete its chat history, summaries and chat_long turns of them.
   */
  async forget(user: string) {
    const counts = await this.deps.store.forgetUser(user);
    await this.deps.rememberer.unindex({ user_id: user });
    await this.deps.publisher.publish(UserForgotten, { user, ts: new Date().toISOString() });
    return counts;
  }

  async history(id: string): Promise<HistoryEntry[] | undefined> {
    const { store } = this.deps;
    const fact = await store.factById(id);
    if (fact) {
      const changes = await store.factHistory(id);
      const key = fact.key.replace(/_/g, " ");
      return changes.map((c) => ({
        id: c.id,
        memory_id: id,
        input: [],
        old_memory: c.old_value === null ? null : `${key}: ${asText(c.old_value)}`,
        new_memory: c.new_value === null ? null : `${key}: ${asText(c.new_value)}`,
        user_id: c.user_id,
        categories: [fact.category],
        event: c.event === "MENTION" ? "UPDATE" : c.event,
        created_at: new Date(c.ts).toISOString(),
        updated_at: new Date(c.ts).toISOString(),
      }));
    }
    const item = await this.get(id);
    if (!item) return undefined;
    return [
      {
        id: `${id}:add`,
        memory_id: id,
        input: [],
        old_memory: null,
        new_memory: item.memory,
        user_id: item.user_id,
        categories: item.categories,
        event: "ADD",
        created_at: item.created_at,
        updated_at: item.updated_at,
      },
    ];
  }

  /**
   * A snapshot written into `user`'s memory (another user's snapshot gets ids of its own: rekeySnapshot),
   * and its user messages, facts and episodes indexed.
   */
  async import(user: string, snapshot: Snapshot, onProgress?: (done: number, total: number) => void) {
    const own = rekeySnapshot(snapshot, user);
    const counts = await this.deps.store.importSnapshot(own, onProgress);
    const items = await this.list(user);
    const now = Date.now();
    for (let i = 0; i < items.length; i += 64) {
      const batch = items.slice(i, i + 64).map((m): MemoryToIndex => ({
        id: m.id,
        kind: m.metadata.kind as MemoryKind,
        text: m.memory,
        ts: now,
      }));
      await this.deps.rememberer.index(user, batch);
    }
    return counts;
  }
}
