import { createHash } from "node:crypto";
import type { Snapshot } from "./records.ts";

/**
 * A snapshot of one user made into another user's: every id (messages, facts, their history,
 * episodes; affinity and moods are keyed by the user itself) and every reference to one replaced by a hash of (new user, old id). Deterministic, so a
 * snapshot imported twice — or in batches — still lands once and its references still meet; and ids
 * never collide with the original user's when both live in one store.
 */
export function rekeySnapshot(snapshot: Snapshot, user: string): Snapshot {
  if (snapshot.user_id === user) return snapshot;
  const id = (old: string) =>
    old ? createHash("sha256").update(`${user}\0${old}`).digest("hex").slice(0, 32) : old;
  return {
    ...snapshot,
    user_id: user,
    messages: snapshot.messages.map((m) => ({ ...m, id: id(m.id), user_id: user })),
    facts: snapshot.facts.map((f) => ({
      ...f,
      id: id(f.id),
      user_id: user,
      source_message_id: id(f.source_message_id),
    })),
    fact_history: snapshot.fact_history.map((c) => ({
      ...c,
      id: id(c.id),
      fact_id: id(c.fact_id),
      user_id: user,
      source_message_id: id(c.source_message_id),
    })),
    episodes: snapshot.episodes.map((e) => ({
      ...e,
      id: id(e.id),
      user_id: user,
      context_messages: e.context_messages.map(id),
      related_facts: e.related_facts.map(id),
      related_episodes: e.related_episodes.map(id),
    })),
    ...(snapshot.affinity ? { affinity: snapshot.affinity.map((a) => ({ ...a, user_id: user })) } : {}),
    ...(snapshot.moods ? { moods: snapshot.moods.map((m) => ({ ...m, user_id: user })) } : {}),
  };
}
