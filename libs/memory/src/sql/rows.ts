import type { Episode, Fact, FactChange, Sentiment, StoredMessage } from "../records.ts";
import type { Row, SqlValue } from "./driver.ts";

/*
 * Records ↔ rows. JSON-valued fields are TEXT, booleans 0/1, times BIGINT ms: the same in both
 * dialects. Column lists are written once here so that inserts and selects cannot drift apart.
 */

const json = (v: unknown): string => JSON.stringify(v ?? null);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;

// prettier-ignore
export const MESSAGE_COLUMNS = [
  "id", "user_id", "session_id", "agent_id", "role", "content", "ts", "infer", "sentiment", "importance", "metadata",
] as const;

// prettier-ignore
export const messageParams = (m: StoredMessage): SqlValue[] => [
  m.id, m.user_id, m.session_id, m.agent_id, m.role, m.content, m.ts, m.infer ? 1 : 0, m.sentiment, m.importance,
  json(m.metadata),
];

export const messageOf = (r: Row): StoredMessage => ({
  id: String(r.id),
  user_id: String(r.user_id),
  session_id: String(r.session_id),
  agent_id: String(r.agent_id),
  role: String(r.role) as StoredMessage["role"],
  content: String(r.content),
  ts: Number(r.ts),
  infer: Number(r.infer) === 1,
  sentiment: String(r.sentiment) as Sentiment,
  importance: Number(r.importance),
  metadata: parse(r.metadata),
});

// prettier-ignore
export const FACT_COLUMNS = [
  "id", "user_id", "session_id", "category", "key", "value", "confidence", "source_message_id", "first_mentioned",
  "last_updated", "mention_count", "tags", "context", "is_active", "metadata",
] as const;

// prettier-ignore
export const factParams = (f: Fact): SqlValue[] => [
  f.id, f.user_id, f.session_id, f.category, f.key, json(f.value), f.confidence, f.source_message_id,
  f.first_mentioned, f.last_updated, f.mention_count, json(f.tags), f.context, f.is_active ? 1 : 0, json(f.metadata),
];

export const factOf = (r: Row): Fact => ({
  id: String(r.id),
  user_id: String(r.user_id),
  session_id: String(r.session_id),
  category: String(r.category),
  key: String(r.key),
  value: parse(r.value),
  confidence: Number(r.confidence),
  source_message_id: String(r.source_message_id),
  first_mentioned: Number(r.first_mentioned),
  last_updated: Number(r.last_updated),
  mention_count: Number(r.mention_count),
  tags: parse(r.tags),
  context: String(r.context),
  is_active: Number(r.is_active) === 1,
  metadata: parse(r.metadata),
});

// prettier-ignore
export const CHANGE_COLUMNS = [
  "id", "fact_id", "user_id", "event", "old_value", "new_value", "source_message_id", "ts",
] as const;

// prettier-ignore
export const changeParams = (c: FactChange): SqlValue[] => [
  c.id, c.fact_id, c.user_id, c.event, json(c.old_value), json(c.new_value), c.source_message_id, c.ts,
];

export const changeOf = (r: Row): FactChange => ({
  id: String(r.id),
  fact_id: String(r.fact_id),
  user_id: String(r.user_id),
  event: String(r.event) as FactChange["event"],
  old_value: parse(r.old_value),
  new_value: parse(r.new_value),
  source_message_id: String(r.source_message_id),
  ts: Number(r.ts),
});

// prettier-ignore
export const EPISODE_COLUMNS = [
  "id", "user_id", "session_id", "type", "title", "summary", "importance", "sentiment", "tags", "context_messages",
  "timestamp", "temporal_decay", "related_facts", "related_episodes", "metadata",
] as const;

// prettier-ignore
export const episodeParams = (e: Episode): SqlValue[] => [
  e.id, e.user_id, e.session_id, e.type, e.title, e.summary, e.importance, e.sentiment, json(e.tags),
  json(e.context_messages), e.timestamp, e.temporal_decay, json(e.related_facts), json(e.related_episodes),
  json(e.metadata),
];

export const episodeOf = (r: Row): Episode => ({
  id: String(r.id),
  user_id: String(r.user_id),
  session_id: String(r.session_id),
  type: String(r.type),
  title: String(r.title),
  summary: String(r.summary),
  importance: Number(r.importance),
  sentiment: String(r.sentiment) as Sentiment,
  tags: parse(r.tags),
  context_messages: parse(r.context_messages),
  timestamp: Number(r.timestamp),
  temporal_decay: Number(r.temporal_decay),
  related_facts: parse(r.related_facts),
  related_episodes: parse(r.related_episodes),
  metadata: parse(r.metadata),
});

/** `INSERT INTO t (a, b) VALUES (?, ?)`, skipping a row that a primary or unique key already holds. */
export const insertIgnoring = (table: string, columns: readonly string[]): string =>
  `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING`;
