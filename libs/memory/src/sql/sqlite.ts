import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Row, SqlDriver, SqlExecutor, SqlValue } from "./driver.ts";

/** One connection per file per process, shared by the services of a process (counted, closed by the last). */
const shared = new Map<string, { driver: SqliteDriver; users: number }>();

/**
 * The process's connection to the SQLite file at `path`. In the one-process runner the rag-worker and
 * the memory service share it: two connections in one thread would wait on each other's locks
 * synchronously (better-sqlite3 blocks), which one connection never does.
 */
export function openSqlite(path: string): SqlDriver {
  const key = path === ":memory:" ? `:memory:${shared.size}` : resolve(path);
  let entry = shared.get(key);
  if (!entry) {
    entry = { driver: new SqliteDriver(path), users: 0 };
    shared.set(key, entry);
  }
  entry.users++;
  const { driver } = entry;
  let closed = false;
  return {
    kind: "sqlite",
    all: (sql, params) => driver.all(sql, params),
    run: (sql, params) => driver.run(sql, params),
    tx: (fn) => driver.tx(fn),
    async close() {
      if (closed) return;
      closed = true;
      const e = shared.get(key);
      if (e && --e.users === 0) {
        shared.delete(key);
        await driver.close();
      }
    },
  };
}

/**
 * better-sqlite3 behind the async driver interface. Statements are synchronous, so each resolves at
 * once; transactions are serialised through one queue so that no other statement runs inside one.
 * WAL mode: the memory service writes while the rag-worker (another connection) reads.
 */
export class SqliteDriver implements SqlDriver {
  readonly kind = "sqlite" as const;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.pragma("synchronous = NORMAL");
  }

  #prepare(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  readonly #direct: SqlExecutor = {
    all: async (sql: string, params: SqlValue[] = []) => {
      const s = this.#prepare(sql);
      return s.reader ? (s.all(...params) as Row[]) : (s.run(...params), []);
    },
    run: async (sql: string, params: SqlValue[] = []) => this.#prepare(sql).run(...params).changes,
  };

  all(sql: string, params?: SqlValue[]): Promise<Row[]> {
    return this.#serial(() => this.#direct.all(sql, params));
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.#serial(() => this.#direct.run(sql, params));
  }

  tx<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#serial(async () => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(this.#direct);
        this.#db.exec("COMMIT");
        return out;
      } catch (err) {
        this.#db.exec("ROLLBACK");
        throw err;
      }
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#db.close();
  }
}
