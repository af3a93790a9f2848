import { randomUUID } from "node:crypto";
import { monotonicFactory } from "ulid";
import type { FactEvent, ImportCounts, MemoryStore } from "../port.ts";
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
} from "../records.ts";
import type { SqlDriver, SqlExecutor, SqlValue } from "./driver.ts";
import {
  affinities,
  forgetRelationship,
  type InteractionResult,
  moods,
  recordInteraction,
  relationshipImports,
  setMood,
} from "./relationship.ts";
import {
  CHANGE_COLUMNS,
  changeOf,
  changeParams,
  EPISODE_COLUMNS,
  episodeOf,
  episodeParams,
  FACT_COLUMNS,
  factOf,
  factParams,
  insertIgnoring,
  MESSAGE_COLUMNS,
  messageOf,
  messageParams,
} from "./rows.ts";

const INSERT_MESSAGE = insertIgnoring("messages", MESSAGE_COLUMNS);
const INSERT_FACT = insertIgnoring("facts", FACT_COLUMNS);
const INSERT_CHANGE = insertIgnoring("fact_history", CHANGE_COLUMNS);
const INSERT_EPISODE = insertIgnoring("episodes", EPISODE_COLUMNS);
/** History ids sort in the order the changes were recorded. */
const changeId = monotonicFactory();
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** Each further mention closes a fifth of the gap to certainty. */
const reinforced = (confidence: number, seen: number) =>
  Math.min(1, Math.max(confidence, seen) + (1 - seen) * 0.2);

/** The MemoryStore on a SQL driver: the same statements for SQLite and PostgreSQL. */
export class SqlMemoryStore implements MemoryStore {
  constructor(private readonly db: SqlDriver) {}

  get kind() {
    return this.db.kind;
  }

  get engine() {
    return this.db.engine;
  }

  /** PostgreSQL locks the row a transaction is about to change; SQLite's transactions are serial. */
  get #forUpdate() {
    return this.db.kind === "postgres" ? " FOR UPDATE" : "";
  }

  async addMessage(m: StoredMessage): Promise<boolean> {
    return (await this.db.run(INSERT_MESSAGE, messageParams(m))) > 0;
  }

  async messages(user: string, opts: { ids?: string[]; session?: string; limit?: number } = {}) {
    const where = ["user_id = ?"];
    const params: SqlValue[] = [user];
    if (opts.session !== undefined) {
      where.push("session_id = ?");
      params.push(opts.session);
    }
    if (opts.ids) {
      if (opts.ids.length === 0) return [];
      where.push(`id IN (${opts.ids.map(() => "?").join(", ")})`);
      params.push(...opts.ids);
    }
    const limit = opts.limit !== undefined ? ` LIMIT ${Math.floor(opts.limit)}` : "";
    const rows = await this.db.all(
      `SELECT * FROM messages WHERE ${where.join(" AND ")} ORDER BY ts, id${limit}`,
      params,
    );
    return rows.map(messageOf);
  }

  async messageById(id: string) {
    const [row] = await this.db.all("SELECT * FROM messages WHERE id = ?", [id]);
    return row ? messageOf(row) : undefined;
  }

  async updateMessage(id: string, content: string, metadata?: Record<string, unknown>) {
    const sets = metadata ? "content = ?, metadata = ?" : "content = ?";
    const params: SqlValue[] = metadata ? [content, JSON.stringify(metadata), id] : [content, id];
    return (await this.db.run(`UPDATE messages SET ${sets} WHERE id = ?`, params)) > 0;
  }

  async deleteMessage(id: string) {
    return (await this.db.run("DELETE FROM messages WHERE id = ?", [id])) > 0;
  }

  observeFact(o: FactObservation): Promise<{ fact: Fact; event: FactEvent }> {
    return this.db.tx(async (tx) => {
      const fresh: Fact = {
        id: randomUUID(),
        user_id: o.user_id,
        session_id: o.session_id,
        category: o.category,
        key: o.key,
        value: o.value,
        confidence: o.confidence,
        source_message_id: o.source_message_id,
        first_mentioned: o.ts,
        last_updated: o.ts,
        mention_count: 1,
        tags: o.tags ?? [],
        context: o.context ?? "",
        is_active: true,
        metadata: o.metadata ?? {},
      };
      if ((await tx.run(INSERT_FACT, factParams(fresh))) > 0) {
        await this.#change(tx, fresh, "ADD", null, o.value, o.source_message_id, o.ts);
        return { fact: fresh, event: "ADD" as const };
      }
      const [row] = await tx.all(
        `SELECT * FROM facts WHERE user_id = ? AND category = ? AND key = ?${this.#forUpdate}`,
        [o.user_id, o.category, o.key],
      );
      return this.#merge(tx, factOf(row as NonNullable<typeof row>), o);
    });
  }

  /** A known fact observed again: counted once per source message; a new value keeps the old in history. */
  async #merge(tx: SqlExecutor, known: Fact, o: FactObservation): Promise<{ fact: Fact; event: FactEvent }> {
    const seen = await tx.all("SELECT 1 AS x FROM fact_history WHERE fact_id = ? AND source_message_id = ?", [
      known.id,
      o.source_message_id,
    ]);
    if (seen.length > 0) return { fact: known, event: "NONE" };
    const changed = !same(known.value, o.value) || !known.is_active;
    const fact: Fact = {
      ...known,
      value: o.value,
      session_id: o.session_id,
      source_message_id: o.source_message_id,
      last_updated: Math.max(known.last_updated, o.ts),
      mention_count: known.mention_count + 1,
      confidence: changed ? o.confidence : reinforced(known.confidence, o.confidence),
      context: o.context ?? known.context,
      is_active: true,
    };
    await tx.run(
      "UPDATE facts SET value = ?, session_id = ?, source_message_id = ?, last_updated = ?, mention_count = ?, confidence = ?, context = ?, is_active = 1 WHERE id = ?",
      [
        JSON.stringify(fact.value),
        fact.session_id,
        fact.source_message_id,
        fact.last_updated,
        fact.mention_count,
        fact.confidence,
        fact.context,
        fact.id,
      ],
    );
    const event = changed ? "UPDATE" : "MENTION";
    await this.#change(tx, fact, event, known.value, o.value, o.source_message_id, o.ts);
    return { fact, event };
  }

  async #change(
    tx: SqlExecutor,
    fact: Fact,
    event: FactChange["event"],
    oldValue: unknown,
    newValue: unknown,
    source: string,
    ts: number,
  ): Promise<void> {
    const change: FactChange = {
      id: changeId(),
      fact_id: fact.id,
      user_id: fact.user_id,
      event,
      old_value: oldValue,
      new_value: newValue,
      source_message_id: source,
      ts,
    };
    await tx.run(INSERT_CHANGE, changeParams(change));
  }

  async facts(user: string, opts: { category?: string; includeInactive?: boolean } = {}) {
    const where = ["user_id = ?"];
    const params: SqlValue[] = [user];
    if (opts.category !== undefined) {
      where.push("category = ?");
      params.push(opts.category);
    }
    if (!opts.includeInactive) where.push("is_active = 1");
    const rows = await this.db.all(
      `SELECT * FROM facts WHERE ${where.join(" AND ")} ORDER BY first_mentioned, id`,
      params,
    );
    return rows.map(factOf);
  }

  async factById(id: string) {
    const [row] = await this.db.all("SELECT * FROM facts WHERE id = ?", [id]);
    return row ? factOf(row) : undefined;
  }

  setFactValue(id: string, value: unknown, metadata?: Record<string, unknown>): Promise<Fact | undefined> {
    return this.db.tx(async (tx) => {
      const [row] = await tx.all(`SELECT * FROM facts WHERE id = ?${this.#forUpdate}`, [id]);
      if (!row) return undefined;
      const known = factOf(row);
      const now = Math.max(Date.now(), known.last_updated);
      const fact: Fact = {
        ...known,
        value,
        last_updated: now,
        metadata: metadata ?? known.metadata,
        is_active: true,
      };
      await tx.run("UPDATE facts SET value = ?, last_updated = ?, metadata = ?, is_active = 1 WHERE id = ?", [
        JSON.stringify(value),
        now,
        JSON.stringify(fact.metadata),
        id,
      ]);
      await this.#change(tx, fact, "UPDATE", known.value, value, "", now);
      return fact;
    });
  }

  deleteFact(id: string): Promise<boolean> {
    return this.db.tx(async (tx) => {
      const [row] = await tx.all(`SELECT * FROM facts WHERE id = ? AND is_active = 1${this.#forUpdate}`, [
        id,
      ]);
      if (!row) return false;
      const fact = factOf(row);
      await tx.run("UPDATE facts SET is_active = 0 WHERE id = ?", [id]);
      await this.#change(tx, fact, "DELETE", fact.value, null, "", Math.max(Date.now(), fact.last_updated));
      return true;
    });
  }

  async factHistory(id: string) {
    return (await this.db.all("SELECT * FROM fact_history WHERE fact_id = ? ORDER BY id", [id])).map(
      changeOf,
    );
  }

  async addEpisode(e: Episode) {
    return (await this.db.run(INSERT_EPISODE, episodeParams(e))) > 0;
  }

  async episodes(user: string, opts: { limit?: number } = {}) {
    const limit = opts.limit !== undefined ? ` LIMIT ${Math.floor(opts.limit)}` : "";
    const rows = await this.db.all(
      `SELECT * FROM episodes WHERE user_id = ? ORDER BY timestamp DESC, id${limit}`,
      [user],
    );
    return rows.map(episodeOf);
  }

  async episodeById(id: string) {
    const [row] = await this.db.all("SELECT * FROM episodes WHERE id = ?", [id]);
    return row ? episodeOf(row) : undefined;
  }

  async updateEpisode(id: string, summary: string, metadata?: Record<string, unknown>) {
    const sets = metadata ? "summary = ?, metadata = ?" : "summary = ?";
    const params: SqlValue[] = metadata ? [summary, JSON.stringify(metadata), id] : [summary, id];
    return (await this.db.run(`UPDATE episodes SET ${sets} WHERE id = ?`, params)) > 0;
  }

  async deleteEpisode(id: string) {
    return (await this.db.run("DELETE FROM episodes WHERE id = ?", [id])) > 0;
  }

  recordInteraction(
    i: Interaction,
    levelOf: (points: number) => string,
    initialPoints?: number,
  ): Promise<InteractionResult> {
    return recordInteraction(this.db, i, levelOf, initialPoints);
  }

  affinity(user: string, persona?: string): Promise<Affinity[]> {
    return affinities(this.db, user, persona);
  }

  setMood(m: { user_id: string; session_id: string; mood: string; intensity: number; ts: number }) {
    return setMood(this.db, m);
  }

  moods(user: string, session?: string): Promise<SessionMood[]> {
    return moods(this.db, user, session);
  }

  async users(): Promise<UserSummary[]> {
    const rows = await this.db.all(
      `SELECT user_id, SUM(f) AS facts, SUM(e) AS episodes, SUM(m) AS messages, MIN(t0) AS first_seen, MAX(t1) AS last_seen FROM (
         SELECT user_id, 0 AS f, 0 AS e, COUNT(*) AS m, MIN(ts) AS t0, MAX(ts) AS t1 FROM messages GROUP BY user_id
         UNION ALL SELECT user_id, COUNT(*), 0, 0, MIN(first_mentioned), MAX(last_updated) FROM facts WHERE is_active = 1 GROUP BY user_id
         UNION ALL SELECT user_id, 0, COUNT(*), 0, MIN(timestamp), MAX(timestamp) FROM episodes GROUP BY user_id
       ) AS counted GROUP BY user_id ORDER BY user_id`,
    );
    return rows.map((r) => ({
      user_id: String(r.user_id),
      facts: Number(r.facts),
      episodes: Number(r.episodes),
      messages: Number(r.messages),
      first_seen: Number(r.first_seen),
      last_seen: Number(r.last_seen),
    }));
  }

  forgetUser(user: string): Promise<ImportCounts> {
    return this.db.tx(async (tx) => {
      await tx.run("DELETE FROM fact_history WHERE user_id = ?", [user]);
      await forgetRelationship(tx, user);
      return {
        facts: await tx.run("DELETE FROM facts WHERE user_id = ?", [user]),
        episodes: await tx.run("DELETE FROM episodes WHERE user_id = ?", [user]),
        messages: await tx.run("DELETE FROM messages WHERE user_id = ?", [user]),
      };
    });
  }

  async exportUser(user: string): Promise<Snapshot> {
    const history = await this.db.all("SELECT * FROM fact_history WHERE user_id = ? ORDER BY id", [user]);
    return {
      format: "lumina.memory.v1",
      user_id: user,
      exported_at: new Date().toISOString(),
      messages: await this.messages(user),
      facts: await this.facts(user, { includeInactive: true }),
      fact_history: history.map(changeOf),
      episodes: await this.episodes(user),
      affinity: await this.affinity(user),
      moods: await this.moods(user),
    };
  }

  async importSnapshot(
    s: Snapshot,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ImportCounts> {
    const steps: [string, SqlValue[]][] = [
      ...s.messages.map((m): [string, SqlValue[]] => [
        INSERT_MESSAGE,
        messageParams({ ...m, user_id: s.user_id }),
      ]),
      ...s.facts.map((f): [string, SqlValue[]] => [INSERT_FACT, factParams({ ...f, user_id: s.user_id })]),
      ...s.fact_history.map((c): [string, SqlValue[]] => [
        INSERT_CHANGE,
        changeParams({ ...c, user_id: s.user_id }),
      ]),
      ...s.episodes.map((e): [string, SqlValue[]] => [
        INSERT_EPISODE,
        episodeParams({ ...e, user_id: s.user_id }),
      ]),
      ...relationshipImports(s.user_id, s.affinity ?? [], s.moods ?? []),
    ];
    const counts = { messages: 0, facts: 0, episodes: 0 };
    const kinds = [
      ...s.messages.map(() => "messages" as const),
      ...s.facts.map(() => "facts" as const),
      ...s.fact_history.map(() => undefined),
      ...s.episodes.map(() => "episodes" as const),
      ...[...(s.affinity ?? []), ...(s.moods ?? [])].map(() => undefined),
    ];
    const BATCH = 500;
    for (let i = 0; i < steps.length; i += BATCH) {
      await this.db.tx(async (tx) => {
        for (let j = i; j < Math.min(i + BATCH, steps.length); j++) {
          const [sql, params] = steps[j] as [string, SqlValue[]];
          const kind = kinds[j];
          if ((await tx.run(sql, params)) > 0 && kind) counts[kind]++;
        }
      });
      onProgress?.(Math.min(i + BATCH, steps.length), steps.length);
    }
    return counts;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
