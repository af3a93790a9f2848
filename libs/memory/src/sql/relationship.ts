import type { Affinity, Interaction, MoodChange, SessionMood } from "../records.ts";
import type { Row, SqlDriver, SqlExecutor, SqlValue } from "./driver.ts";
import { insertIgnoring } from "./rows.ts";

/*
 * The relationship between a user and a persona (affinity) and the mood of each session: the same
 * statements for SQLite and PostgreSQL. An interaction is recorded once per (message, persona), so a
 * redelivered chat turn moves nothing twice.
 */

// prettier-ignore
const AFFINITY_COLUMNS = [
  "user_id", "personality_name", "affinity_points", "current_level", "total_messages", "positive_interactions",
  "negative_interactions", "last_interaction",
] as const;
// prettier-ignore
const MOOD_COLUMNS = [
  "user_id", "session_id", "current_mood", "mood_intensity", "mood_started_at", "mood_history", "updated_at",
] as const;
const INSERT_INTERACTION = insertIgnoring("affinity_interactions", [
  "message_id",
  "personality_name",
  "user_id",
  "delta",
  "level_before",
  "level_after",
  "ts",
]);
const INSERT_AFFINITY = insertIgnoring("user_affinity", AFFINITY_COLUMNS);
const INSERT_MOOD = insertIgnoring("session_moods", MOOD_COLUMNS);
/** Moods kept in a session's history. */
const MOOD_HISTORY = 50;

// prettier-ignore
export const affinityParams = (a: Affinity): SqlValue[] => [
  a.user_id, a.personality_name, a.affinity_points, a.current_level, a.total_messages, a.positive_interactions,
  a.negative_interactions, a.last_interaction,
];
export const affinityOf = (r: Row): Affinity => ({
  user_id: String(r.user_id),
  personality_name: String(r.personality_name),
  affinity_points: Number(r.affinity_points),
  current_level: String(r.current_level),
  total_messages: Number(r.total_messages),
  positive_interactions: Number(r.positive_interactions),
  negative_interactions: Number(r.negative_interactions),
  last_interaction: Number(r.last_interaction),
});
// prettier-ignore
export const moodParams = (m: SessionMood): SqlValue[] => [
  m.user_id, m.session_id, m.current_mood, m.mood_intensity, m.mood_started_at, JSON.stringify(m.mood_history),
  m.updated_at,
];
export const moodOf = (r: Row): SessionMood => ({
  user_id: String(r.user_id),
  session_id: String(r.session_id),
  current_mood: String(r.current_mood),
  mood_intensity: Number(r.mood_intensity),
  mood_started_at: Number(r.mood_started_at),
  mood_history: JSON.parse(String(r.mood_history)) as MoodChange[],
  updated_at: Number(r.updated_at),
});

export interface InteractionResult {
  affinity: Affinity;
  /** false: this message had already been counted for this persona (nothing changed). */
  applied: boolean;
  /** The level before and after this message (as it was counted the first time). */
  previous_level: string;
  level: string;
}

const clamp = (points: number) => Math.min(100, Math.max(0, Math.round(points * 100) / 100));

/** The affinity after one more message. */
function moved(known: Affinity, i: Interaction, levelOf: (points: number) => string): Affinity {
  const points = clamp(known.affinity_points + i.delta);
  return {
    ...known,
    affinity_points: points,
    current_level: levelOf(points),
    total_messages: known.total_messages + 1,
    positive_interactions: known.positive_interactions + (i.polarity > 0 ? 1 : 0),
    negative_interactions: known.negative_interactions + (i.polarity < 0 ? 1 : 0),
    last_interaction: Math.max(known.last_interaction, i.ts),
  };
}

/** Adds one message's points to the user's affinity with a persona (its level named by `levelOf`). */
export function recordInteraction(
  db: SqlDriver,
  i: Interaction,
  levelOf: (points: number) => string,
  initialPoints = 0,
): Promise<InteractionResult> {
  const lock = db.kind === "postgres" ? " FOR UPDATE" : "";
  return db.tx(async (tx) => {
    await tx.run(
      INSERT_AFFINITY,
      affinityParams({
        user_id: i.user_id,
        personality_name: i.personality_name,
        affinity_points: clamp(initialPoints),
        current_level: levelOf(clamp(initialPoints)),
        total_messages: 0,
        positive_interactions: 0,
        negative_interactions: 0,
        last_interaction: i.ts,
      }),
    );
    const [row] = await tx.all(
      `SELECT * FROM user_affinity WHERE user_id = ? AND personality_name = ?${lock}`,
      [i.user_id, i.personality_name],
    );
    const known = affinityOf(row as Row);
    const next = moved(known, i, levelOf);
    const fresh = await tx.run(INSERT_INTERACTION, [
      i.message_id,
      i.personality_name,
      i.user_id,
      i.delta,
      known.current_level,
      next.current_level,
      i.ts,
    ]);
    if (fresh === 0) {
      // Counted before (a redelivered turn): nothing moves; the level change it made is reported again.
      const [seen] = await tx.all(
        "SELECT level_before, level_after FROM affinity_interactions WHERE message_id = ? AND personality_name = ?",
        [i.message_id, i.personality_name],
      );
      return {
        affinity: known,
        applied: false,
        previous_level: String(seen?.level_before),
        level: String(seen?.level_after),
      };
    }
    await tx.run(
      "UPDATE user_affinity SET affinity_points = ?, current_level = ?, total_messages = ?, positive_interactions = ?, negative_interactions = ?, last_interaction = ? WHERE user_id = ? AND personality_name = ?",
      [...affinityParams(next).slice(2), i.user_id, i.personality_name],
    );
    return { affinity: next, applied: true, previous_level: known.current_level, level: next.current_level };
  });
}

export async function affinities(db: SqlExecutor, user: string, persona?: string): Promise<Affinity[]> {
  const rows = await db.all(
    `SELECT * FROM user_affinity WHERE user_id = ?${persona !== undefined ? " AND personality_name = ?" : ""} ORDER BY personality_name`,
    persona !== undefined ? [user, persona] : [user],
  );
  return rows.map(affinityOf);
}

/**
 * Sets a session's mood: a new mood starts (and joins the history); the same mood again only takes
 * the new intensity; a message no newer than the one that last set it (a redelivered turn) changes
 * nothing.
 */
export function setMood(
  db: SqlDriver,
  m: { user_id: string; session_id: string; mood: string; intensity: number; ts: number },
): Promise<SessionMood> {
  const lock = db.kind === "postgres" ? " FOR UPDATE" : "";
  return db.tx(async (tx) => {
    const first: SessionMood = {
      user_id: m.user_id,
      session_id: m.session_id,
      current_mood: m.mood,
      mood_intensity: m.intensity,
      mood_started_at: m.ts,
      mood_history: [{ mood: m.mood, intensity: m.intensity, at: m.ts }],
      updated_at: m.ts,
    };
    if ((await tx.run(INSERT_MOOD, moodParams(first))) > 0) return first;
    const [row] = await tx.all(`SELECT * FROM session_moods WHERE user_id = ? AND session_id = ?${lock}`, [
      m.user_id,
      m.session_id,
    ]);
    const known = moodOf(row as Row);
    if (m.ts <= known.updated_at) return known;
    const changed = known.current_mood !== m.mood;
    const next: SessionMood = changed
      ? {
          ...known,
          current_mood: m.mood,
          mood_intensity: m.intensity,
          mood_started_at: m.ts,
          mood_history: [...known.mood_history, { mood: m.mood, intensity: m.intensity, at: m.ts }].slice(
            -MOOD_HISTORY,
          ),
          updated_at: m.ts,
        }
      : { ...known, mood_intensity: m.intensity, updated_at: m.ts };
    await tx.run(
      "UPDATE session_moods SET current_mood = ?, mood_intensity = ?, mood_started_at = ?, mood_history = ?, updated_at = ? WHERE user_id = ? AND session_id = ?",
      [...moodParams(next).slice(2), m.user_id, m.session_id],
    );
    return next;
  });
}

export async function moods(db: SqlExecutor, user: string, session?: string): Promise<SessionMood[]> {
  const rows = await db.all(
    `SELECT * FROM session_moods WHERE user_id = ?${session !== undefined ? " AND session_id = ?" : ""} ORDER BY session_id`,
    session !== undefined ? [user, session] : [user],
  );
  return rows.map(moodOf);
}

/** Forgets a user's affinities, counted interactions and moods (inside forgetUser's transaction). */
export async function forgetRelationship(tx: SqlExecutor, user: string): Promise<void> {
  await tx.run("DELETE FROM affinity_interactions WHERE user_id = ?", [user]);
  await tx.run("DELETE FROM user_affinity WHERE user_id = ?", [user]);
  await tx.run("DELETE FROM session_moods WHERE user_id = ?", [user]);
}

/** The import statements for a snapshot's affinities and moods (ids already present are kept). */
export const relationshipImports = (
  user: string,
  affinity: Affinity[],
  sessionMoods: SessionMood[],
): [string, SqlValue[]][] => [
  ...affinity.map((a): [string, SqlValue[]] => [INSERT_AFFINITY, affinityParams({ ...a, user_id: user })]),
  ...sessionMoods.map((m): [string, SqlValue[]] => [INSERT_MOOD, moodParams({ ...m, user_id: user })]),
];
