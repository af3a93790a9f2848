import { type Episode, type Fact, factText, type StoredMessage } from "@lumina/memory";

/** What mem0 calls a memory: a user's message, a fact drawn from it, or an episode. */
export type MemoryKind = "message" | "fact" | "episode";

/** A memory in the mem0 API's shape (snake_case), with the Lumina record it stands for. */
export interface MemoryItem {
  id: string;
  memory: string;
  user_id: string;
  agent_id: string | null;
  run_id: string | null;
  hash: string;
  metadata: Record<string, unknown>;
  categories: string[];
  created_at: string;
  updated_at: string;
  score?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const hashOf = (text: string) => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
};
const str = (v: unknown) => (typeof v === "string" && v ? v : null);

export function messageItem(m: StoredMessage): MemoryItem {
  return {
    id: m.id,
    memory: m.content,
    user_id: m.user_id,
    agent_id: m.agent_id || null,
    run_id: m.session_id || null,
    hash: hashOf(m.content),
    metadata: {
      ...m.metadata,
      kind: "message",
      role: m.role,
      sentiment: m.sentiment,
      importance: m.importance,
      source_message_ids: [m.id],
    },
    categories: ["message"],
    created_at: iso(m.ts),
    updated_at: iso(m.ts),
  };
}

export function factItem(f: Fact): MemoryItem {
  const text = factText(f);
  return {
    id: f.id,
    memory: text,
    user_id: f.user_id,
    agent_id: str(f.metadata.agent_id),
    run_id: f.session_id || null,
    hash: hashOf(text),
    metadata: {
      ...f.metadata,
      kind: "fact",
      category: f.category,
      key: f.key,
      value: f.value,
      confidence: f.confidence,
      mention_count: f.mention_count,
      source_message_ids: f.source_message_id ? [f.source_message_id] : [],
    },
    categories: [f.category],
    created_at: iso(f.first_mentioned),
    updated_at: iso(f.last_updated),
  };
}

export function episodeItem(e: Episode): MemoryItem {
  return {
    id: e.id,
    memory: e.summary,
    user_id: e.user_id,
    agent_id: str(e.metadata.agent_id),
    run_id: e.session_id || null,
    hash: hashOf(e.summary),
    metadata: {
      ...e.metadata,
      kind: "episode",
      type: e.type,
      title: e.title,
      importance: e.importance,
      sentiment: e.sentiment,
      source_message_ids: e.context_messages,
    },
    categories: ["episode", e.type],
    created_at: iso(e.timestamp),
    updated_at: iso(e.timestamp),
  };
}
