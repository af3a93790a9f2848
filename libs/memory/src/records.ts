import { type Static, Type } from "@sinclair/typebox";

/*
 * What Lumina remembers about a person, field by field (docs/memory.md). Times are milliseconds
 * since the epoch; JSON-valued fields are parsed values. The same records travel in snapshots.
 */

/** A user id: letters, digits and _ . @ - (no ':' — it separates the user from the session in keys). */
export const UserId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: "^[A-Za-z0-9_.@-]+$",
  description: "user id: letters, digits, _ . @ -",
});

export const SENTIMENTS = ["very_negative", "negative", "neutral", "positive", "very_positive"] as const;
export const Sentiment = Type.Union(SENTIMENTS.map((s) => Type.Literal(s)));
export type Sentiment = Static<typeof Sentiment>;

const Json = Type.Unknown({ description: "any JSON value" });
const Meta = Type.Record(Type.String(), Type.Unknown());
const Ids = Type.Array(Type.String({ maxLength: 128 }), { maxItems: 1000 });

/** A message as remembered: a chat turn's question or answer, or one added through the mem0 API. */
export const StoredMessage = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  user_id: UserId,
  session_id: Type.String({ maxLength: 128 }),
  agent_id: Type.String({ maxLength: 128 }),
  role: Type.Union([Type.Literal("user"), Type.Literal("assistant"), Type.Literal("system")]),
  content: Type.String({ maxLength: 20_000 }),
  ts: Type.Integer({ minimum: 0 }),
  /** false: kept as a memory in its own right (mem0 `infer: false`); true: facts were drawn from it. */
  infer: Type.Boolean(),
  sentiment: Sentiment,
  importance: Type.Number({ minimum: 0, maximum: 1 }),
  metadata: Meta,
});
export type StoredMessage = Static<typeof StoredMessage>;

/** Something the user said about themselves; unique per (user, category, key). */
export const Fact = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  user_id: UserId,
  session_id: Type.String({ maxLength: 128 }),
  category: Type.String({ minLength: 1, maxLength: 64 }),
  key: Type.String({ minLength: 1, maxLength: 128 }),
  value: Json,
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  source_message_id: Type.String({ maxLength: 128 }),
  first_mentioned: Type.Integer({ minimum: 0 }),
  last_updated: Type.Integer({ minimum: 0 }),
  mention_count: Type.Integer({ minimum: 1 }),
  tags: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }),
  context: Type.String({ maxLength: 2000 }),
  is_active: Type.Boolean(),
  metadata: Meta,
});
export type Fact = Static<typeof Fact>;

export const FACT_EVENTS = ["ADD", "UPDATE", "MENTION", "DELETE"] as const;

/** One change of a fact: added, its value changed, mentioned again, or deleted. */
export const FactChange = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  fact_id: Type.String({ minLength: 1, maxLength: 128 }),
  user_id: UserId,
  event: Type.Union(FACT_EVENTS.map((e) => Type.Literal(e))),
  old_value: Json,
  new_value: Json,
  source_message_id: Type.String({ maxLength: 128 }),
  ts: Type.Integer({ minimum: 0 }),
});
export type FactChange = Static<typeof FactChange>;

/** A memorable moment: an emotional one, a milestone, a plan… */
export const Episode = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  user_id: UserId,
  session_id: Type.String({ maxLength: 128 }),
  type: Type.String({ minLength: 1, maxLength: 64 }),
  title: Type.String({ maxLength: 200 }),
  summary: Type.String({ maxLength: 4000 }),
  importance: Type.Number({ minimum: 0, maximum: 10 }),
  sentiment: Sentiment,
  tags: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }),
  context_messages: Ids,
  timestamp: Type.Integer({ minimum: 0 }),
  /** Half-life in days of the episode's weight in recall (temporal decay). */
  temporal_decay: Type.Number({ exclusiveMinimum: 0 }),
  related_facts: Ids,
  related_episodes: Ids,
  metadata: Meta,
});
export type Episode = Static<typeof Episode>;

/** How close a user is to one persona: points 0–100 and the relationship level they fall in. */
export const Affinity = Type.Object({
  user_id: UserId,
  personality_name: Type.String({ minLength: 1, maxLength: 64 }),
  affinity_points: Type.Number({ minimum: 0, maximum: 100 }),
  current_level: Type.String({ maxLength: 64 }),
  total_messages: Type.Integer({ minimum: 0 }),
  positive_interactions: Type.Integer({ minimum: 0 }),
  negative_interactions: Type.Integer({ minimum: 0 }),
  last_interaction: Type.Integer({ minimum: 0 }),
});
export type Affinity = Static<typeof Affinity>;

/** One mood of a session, as it started. */
export const MoodChange = Type.Object({
  mood: Type.String({ maxLength: 64 }),
  intensity: Type.Number({ minimum: 0, maximum: 1 }),
  at: Type.Integer({ minimum: 0 }),
});
export type MoodChange = Static<typeof MoodChange>;

/** The mood of one of a user's sessions, with the moods it went through (newest last, at most 50). */
export const SessionMood = Type.Object({
  session_id: Type.String({ maxLength: 128 }),
  user_id: UserId,
  current_mood: Type.String({ maxLength: 64 }),
  mood_intensity: Type.Number({ minimum: 0, maximum: 1 }),
  mood_started_at: Type.Integer({ minimum: 0 }),
  mood_history: Type.Array(MoodChange, { maxItems: 50 }),
  /** The time of the message that last set it: an older message (redelivered) changes nothing. */
  updated_at: Type.Integer({ minimum: 0 }),
});
export type SessionMood = Static<typeof SessionMood>;

/** One message's effect on an affinity: applied once per (message, persona). */
export interface Interaction {
  user_id: string;
  personality_name: string;
  message_id: string;
  /** Points to add (negative to take away); the total stays within 0–100. */
  delta: number;
  /** The message's sentiment: 1 counts a positive interaction, -1 a negative one. */
  polarity: -1 | 0 | 1;
  ts: number;
}

/** A user's whole memory, exported and imported as one JSON document (docs/memory.md). */
export const Snapshot = Type.Object({
  format: Type.Literal("lumina.memory.v1"),
  user_id: UserId,
  exported_at: Type.String(),
  messages: Type.Array(StoredMessage, { maxItems: 100_000 }),
  facts: Type.Array(Fact, { maxItems: 100_000 }),
  fact_history: Type.Array(FactChange, { maxItems: 500_000 }),
  episodes: Type.Array(Episode, { maxItems: 100_000 }),
  /** Absent in snapshots written before personas. */
  affinity: Type.Optional(Type.Array(Affinity, { maxItems: 1000 })),
  moods: Type.Optional(Type.Array(SessionMood, { maxItems: 100_000 })),
});
export type Snapshot = Static<typeof Snapshot>;

/** A fact as an extractor sees it, before the store merges it with what it knew. */
export interface FactObservation {
  user_id: string;
  session_id: string;
  category: string;
  key: string;
  value: unknown;
  confidence: number;
  source_message_id: string;
  ts: number;
  tags?: string[];
  context?: string;
  metadata?: Record<string, unknown>;
}

/** What a user has in memory, counted (mem0 `GET /v1/entities/`, `lumina memory users`). */
export interface UserSummary {
  user_id: string;
  facts: number;
  episodes: number;
  messages: number;
  first_seen: number;
  last_seen: number;
}
