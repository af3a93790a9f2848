import { appendFile, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MadeDirs } from "@lumina/runtime";
import { type CollectionUpkeep, type VectorStore } from "@lumina/vectors";
import type { Redis } from "ioredis";
import type { PastTurn } from "./domain/prompt.ts";
import { COLLECTIONS } from "@lumina/events";

export const CHAT_LONG = COLLECTIONS.chatLong;
/** A recalled turn or note must be at least this similar to the question (cosine; USE-lite scale). */
export const MEMORY_MIN_SIMILARITY = 0.3;

/** One chat turn, as kept in Redis, chat_long and the journal (the seed's data model). */
export interface Turn {
  id: string;
  session: string;
  ts: number;
  user: string;
  assistant: string;
  confidence: number;
  cite_ids: string[];
  embedding: number[];
}

const historyKey = (session: string) => `chat:history:${session}`;

/**
 * Chat memory: the last `historyTurns` turns of each session in a Redis list (short-term), every turn
 * in collection chat_long (long-term, recalled by similarity within `recallMaxDays`), and every turn
 * appended to graphs/chat/YYYY/MM/DD/turns.ndjson, from which chat_long can be rebuilt.
 */
export class ChatMemory {
  /** Turns journalled and in Redis but not yet in chat_long (written behind, in batches). */
  #pending: Turn[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  /** Journal directories known to exist. */
  readonly #dirs = new MadeDirs();
  /** Journal appends and rewrites, one at a time (a rewrite must not lose a line appended meanwhile). */
  #journalChain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      redis: Redis;
      store: VectorStore;
      /** The rag-worker owns chat_long: its writes go through this collection's upkeep. */
      upkeep?: CollectionUpkeep;
      graphsDir: string;
      historyTurns: number;
      recallTopK: number;
      recallMaxDays: number;
      /** Delay before pending turns are written to chat_long. */
      flushMs?: number;
      onFlushError?: (err: unknown) => void;
    },
  ) {}

  /** The session's recent turns, oldest first, with their ids (so recall does not repeat them). */
  async history(session: string): Promise<{ turns: PastTurn[]; ids: Set<string> }> {
    if (this.deps.historyTurns === 0) return { turns: [], ids: new Set() };
    const raw = await this.deps.redis.lrange(historyKey(session), 0, this.deps.historyTurns - 1);
    const stored = raw.map((r) => JSON.parse(r) as PastTurn & { id: string }).reverse(); // newest first in Redis
    return {
      turns: stored.map(({ user, assistant }) => ({ user, assistant })),
      ids: new Set(stored.map((t) => t.id)),
    };
  }

  /** Earlier turns of this session close to `vector`, not among those in the short-term history. */
  async recall(session: string, vector: number[], exclude: Set<string>): Promise<Turn[]> {
    if (this.deps.recallTopK === 0) return [];
    const since = Date.now() - this.deps.recallMaxDays * 86_400_000;
    const hits = await this.deps.store.query(CHAT_LONG, {
      mode: "dense",
      vector,
      limit: this.deps.recallTopK + exclude.size,
      filter: { session, ts: { gte: since } },
    });
    return hits
      .filter((h) => !exclude.has(h.id) && h.score > MEMORY_MIN_SIMILARITY)
      .slice(0, this.deps.recallTopK)
      .map((h) => ({
        id: h.id,
        session,
        ts: Number(h.payload.ts),
        user: String(h.payload.user),
        assistant: h.text,
        confidence: Number(h.payload.confidence),
        cite_ids: JSON.parse(String(h.payload.cite_ids ?? "[]")) as string[],
        embedding: [],
      }));
  }

  async remember(turn: Turn): Promise<void> {
    const history = async () => {
      if (this.deps.historyTurns === 0) return;
      const key = historyKey(turn.session);
      await this.deps.redis
        .multi()
        .lpush(key, JSON.stringify({ id: turn.id, user: turn.user, assistant: turn.assistant }))
        .ltrim(key, 0, this.deps.historyTurns - 1)
        .exec();
    };
    await Promise.all([this.#journal(turn), history()]);
    // chat_long is written behind, off the request path: a vector-store write per turn would cost more
    // than the rest of the request. The journal above is the durable record (chat_long can be rebuilt
    // from it), and stop() flushes what is pending.
    this.#pending.push(turn);
    this.#timer ??= setTimeout(() => void this.flush(), this.deps.flushMs ?? 500);
  }

  /** Appends the turn to graphs/chat/YYYY/MM/DD/turns.ndjson (the day's directory made once). */
  async #journal(turn: Turn): Promise<void> {
    const day = new Date(turn.ts).toISOString().slice(0, 10).split("-");
    const dir = join(this.deps.graphsDir, "chat", ...day);
    const line = `${JSON.stringify(turn)}\n`;
    await this.#journalDo(() => this.#dirs.write(dir, () => appendFile(join(dir, "turns.ndjson"), line)));
  }

  #journalDo<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#journalChain.then(fn, fn);
    this.#journalChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Forgets every turn of `user` (sessions `<user>::…`): the Redis histories, the turns waiting for
   * chat_long and those in it, and their lines in the journal. Idempotent: a redelivered
   * user:forgotten finds nothing left. Returns how many sessions and journal lines went.
   */
  async forgetUser(user: string): Promise<{ sessions: number; journalLines: number }> {
    const prefix = `${user}::`;
    this.#pending = this.#pending.filter((t) => !t.session.startsWith(prefix));
    await this.#flushing;
    const keys = await scanKeys(this.deps.redis, `${historyKey(prefix)}*`);
    const fromJournal = await this.#journalDo(() => this.#purgeJournal(prefix));
    const sessions = new Set([...keys.map((k) => k.slice(historyKey("").length)), ...fromJournal.sessions]);
    if (keys.length > 0) await this.deps.redis.del(...keys);
    const remove = async () => {
      for (const session of sessions) await this.deps.store.delete(CHAT_LONG, { session });
    };
    await (this.deps.upkeep ? this.deps.upkeep.write(remove) : remove());
    return { sessions: sessions.size, journalLines: fromJournal.lines };
  }

  /** Rewrites the journal's day files without the turns of sessions starting with `prefix`. */
  async #purgeJournal(prefix: string): Promise<{ sessions: Set<string>; lines: number }> {
    const sessions = new Set<string>();
    let lines = 0;
    const root = join(this.deps.graphsDir, "chat");
    const files = (await readdir(root, { recursive: true }).catch(() => [] as string[]))
      .filter((f) => f.endsWith("turns.ndjson"))
      .map((f) => join(root, f));
    for (const file of files) {
      const all = (await readFile(file, "utf8")).split("\n").filter((l) => l.length > 0);
      const kept = all.filter((l) => {
        const session = (JSON.parse(l) as { session?: string }).session ?? "";
        if (!session.startsWith(prefix)) return true;
        sessions.add(session);
        return false;
      });
      if (kept.length === all.length) continue;
      lines += all.length - kept.length;
      await writeFile(`${file}.tmp`, kept.map((l) => `${l}\n`).join(""));
      await rename(`${file}.tmp`, file);
    }
    return { sessions, lines };
  }

  /** Writes pending turns to chat_long; resolves when they are there. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(async () => {
      const batch = this.#pending.splice(0);
      if (batch.length === 0) return;
      try {
        const write = () =>
          this.deps.store.upsert(
            CHAT_LONG,
            batch.map((turn) => ({
              id: turn.id,
              vector: turn.embedding,
              text: turn.assistant,
              payload: {
                session: turn.session,
                ts: turn.ts,
                user: turn.user,
                confidence: turn.confidence,
                cite_ids: JSON.stringify(turn.cite_ids),
              },
            })),
          );
        await (this.deps.upkeep ? this.deps.upkeep.write(write) : write());
      } catch (err) {
        this.#pending.unshift(...batch); // kept for the next flush
        this.deps.onFlushError?.(err);
        this.#timer ??= setTimeout(() => void this.flush(), 5_000);
      }
    });
    return this.#flushing;
  }
}

/** Every key matching a glob `pattern` (SCAN, so Redis is never blocked by KEYS). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}
