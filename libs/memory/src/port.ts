import type { InteractionResult } from "./sql/relationship.ts";
import type {
  Affinity,
  Episode,
  Fact,
  FactChange,
  FactObservation,
  Interaction,
  SessionMood,
  Snapshot,
  StoredMessage,
  UserSummary,
} from "./records.ts";

/** What observing a fact did: added it, changed its value, counted one more mention, or nothing (seen). */
export type FactEvent = "ADD" | "UPDATE" | "MENTION" | "NONE";

export interface ImportCounts {
  messages: number;
  facts: number;
  episodes: number;
}

/**
 * Where the memory of users lives. Adapters: SQLite (embedded, the default) and PostgreSQL; the
 * conformance suite (libs/memory/test/conformance.ts) holds both to this contract:
 * - every read takes a user id and returns only that user's records; `*ById` reads return the record
 *   with its `user_id` so that a caller can check whose it is;
 * - writes are idempotent: a message or episode written again with the same id changes nothing, and a
 *   fact observed again from the same source message is not counted twice (a redelivered chat turn
 *   leaves memory as it was);
 * - `observeFact` merges by (user, category, key): a new key is added; the same value again raises
 *   `mention_count` and confidence; another value replaces it and the old one stays in its history;
 * - a deleted fact is inactive (history keeps it) and comes back if mentioned again;
 * - an interaction moves a (user, persona) affinity once per message, within 0–100, and names the
 *   level the points fall in; a session's mood history grows only when the mood changes;
 * - `forgetUser` removes every record of that user, history, affinity and moods included.
 */
export interface MemoryStore {
  readonly kind: "sqlite" | "postgres";
  /** The library underneath (better-sqlite3, node:sqlite, pg), for /readyz. */
  readonly engine: string;
  addMessage(message: StoredMessage): Promise<boolean>;
  messages(
    user: string,
    opts?: { ids?: string[]; session?: string; limit?: number },
  ): Promise<StoredMessage[]>;
  messageById(id: string): Promise<StoredMessage | undefined>;
  updateMessage(id: string, content: string, metadata?: Record<string, unknown>): Promise<boolean>;
  deleteMessage(id: string): Promise<boolean>;

  observeFact(observation: FactObservation): Promise<{ fact: Fact; event: FactEvent }>;
  facts(user: string, opts?: { category?: string; includeInactive?: boolean }): Promise<Fact[]>;
  factById(id: string): Promise<Fact | undefined>;
  /** A new value given by hand (mem0 update): recorded as an UPDATE with no source message. */
  setFactValue(id: string, value: unknown, metadata?: Record<string, unknown>): Promise<Fact | undefined>;
  deleteFact(id: string): Promise<boolean>;
  factHistory(id: string): Promise<FactChange[]>;

  addEpisode(episode: Episode): Promise<boolean>;
  episodes(user: string, opts?: { limit?: number }): Promise<Episode[]>;
  episodeById(id: string): Promise<Episode | undefined>;
  updateEpisode(id: string, summary: string, metadata?: Record<string, unknown>): Promise<boolean>;
  deleteEpisode(id: string): Promise<boolean>;

  /** One message's points for a persona; the affinity starts at `initialPoints` (0) on first contact. */
  recordInteraction(
    interaction: Interaction,
    levelOf: (points: number) => string,
    initialPoints?: number,
  ): Promise<InteractionResult>;
  affinity(user: string, persona?: string): Promise<Affinity[]>;
  setMood(mood: {
    user_id: string;
    session_id: string;
    mood: string;
    intensity: number;
    ts: number;
  }): Promise<SessionMood>;
  moods(user: string, session?: string): Promise<SessionMood[]>;

  users(): Promise<UserSummary[]>;
  forgetUser(user: string): Promise<ImportCounts>;
  exportUser(user: string): Promise<Snapshot>;
  /** Writes a snapshot's records (idempotent: ids already present are kept as they are). */
  importSnapshot(
    snapshot: Snapshot,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ImportCounts>;
  close(): Promise<void>;
}
