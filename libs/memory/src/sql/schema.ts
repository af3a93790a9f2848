import type { Migration } from "./driver.ts";

/*
 * The schema, version by version. The DDL is written in the subset SQLite and PostgreSQL share
 * (BIGINT, DOUBLE PRECISION, TEXT holding JSON), so both adapters apply the same numbered steps; a
 * step that must differ gets one text per dialect.
 */
const V1 = `
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  ts BIGINT NOT NULL,
  infer INTEGER NOT NULL,
  sentiment TEXT NOT NULL,
  importance DOUBLE PRECISION NOT NULL,
  metadata TEXT NOT NULL
);
CREATE INDEX messages_user_ts ON messages (user_id, ts);
CREATE TABLE facts (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  category TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  source_message_id TEXT NOT NULL,
  first_mentioned BIGINT NOT NULL,
  last_updated BIGINT NOT NULL,
  mention_count INTEGER NOT NULL,
  tags TEXT NOT NULL,
  context TEXT NOT NULL,
  is_active INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  UNIQUE (user_id, category, key)
);
CREATE TABLE fact_history (
  id TEXT PRIMARY KEY,
  fact_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  event TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  source_message_id TEXT NOT NULL,
  ts BIGINT NOT NULL
);
CREATE INDEX fact_history_fact ON fact_history (fact_id, ts);
CREATE INDEX fact_history_user ON fact_history (user_id);
CREATE TABLE episodes (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  importance DOUBLE PRECISION NOT NULL,
  sentiment TEXT NOT NULL,
  tags TEXT NOT NULL,
  context_messages TEXT NOT NULL,
  timestamp BIGINT NOT NULL,
  temporal_decay DOUBLE PRECISION NOT NULL,
  related_facts TEXT NOT NULL,
  related_episodes TEXT NOT NULL,
  metadata TEXT NOT NULL
);
CREATE INDEX episodes_user_ts ON episodes (user_id, timestamp)
`;

/* Affinity per (user, persona), the messages already counted in it, and each session's mood. */
const V2 = `
CREATE TABLE user_affinity (
  user_id TEXT NOT NULL,
  personality_name TEXT NOT NULL,
  affinity_points DOUBLE PRECISION NOT NULL,
  current_level TEXT NOT NULL,
  total_messages INTEGER NOT NULL,
  positive_interactions INTEGER NOT NULL,
  negative_interactions INTEGER NOT NULL,
  last_interaction BIGINT NOT NULL,
  PRIMARY KEY (user_id, personality_name)
);
CREATE TABLE affinity_interactions (
  message_id TEXT NOT NULL,
  personality_name TEXT NOT NULL,
  user_id TEXT NOT NULL,
  delta DOUBLE PRECISION NOT NULL,
  level_before TEXT NOT NULL,
  level_after TEXT NOT NULL,
  ts BIGINT NOT NULL,
  PRIMARY KEY (message_id, personality_name)
);
CREATE INDEX affinity_interactions_user ON affinity_interactions (user_id);
CREATE TABLE session_moods (
  user_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  current_mood TEXT NOT NULL,
  mood_intensity DOUBLE PRECISION NOT NULL,
  mood_started_at BIGINT NOT NULL,
  mood_history TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, session_id)
)
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "messages, facts, history, episodes", sql: V1 },
  { version: 2, name: "affinity per persona, session moods", sql: V2 },
];
