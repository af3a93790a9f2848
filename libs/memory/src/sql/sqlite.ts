import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import { LuminaError } from "@lumina/errors";
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
    engine: driver.engine,
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

/** What the driver needs of a synchronous SQLite binding: better-sqlite3's and node:sqlite's share it. */
interface SyncStatement {
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number | bigint };
}
interface SyncDatabase {
  prepare(sql: string): SyncStatement;
  exec(sql: string): void;
  close(): void;
}

const require = createRequire(import.meta.url);

/**
 * better-sqlite3 (12.x) when its native binary loads in this Node; otherwise Node's own node:sqlite
 * (Node ≥ 22.5) — the case of a node_modules installed under one Node and run under another, whose
 * ABI the binary does not match. Neither: an error that says how to fix it.
 */
export function openSyncDatabase(path: string): {
  db: SyncDatabase;
  engine: "better-sqlite3" | "node:sqlite";
} {
  let cause: unknown;
  try {
    const Database = require("better-sqlite3") as new (file: string) => SyncDatabase;
    return { db: new Database(path), engine: "better-sqlite3" };
  } catch (err) {
    cause = err;
  }
  try {
    const { DatabaseSync } = require("node:sqlite") as { DatabaseSync: new (file: string) => SyncDatabase };
    return { db: new DatabaseSync(path), engine: "node:sqlite" };
  } catch {
    throw new LuminaError(
      "sqlite_unavailable",
      `better-sqlite3 cannot load in this Node (${(cause as Error).message.split("\n")[0]}) and it has no node:sqlite (Node 22.5 or later): run \`npm rebuild better-sqlite3\` with the Node that runs Lumina`,
      { cause },
    );
  }
}

/**
 * A synchronous SQLite binding behind the async driver interface. Statements are synchronous, so each
 * resolves at once; transactions are serialised through one queue so that no other statement runs
 * inside one. WAL mode: the memory service writes while the rag-worker (maybe another process) reads.
 */
export class SqliteDriver implements SqlDriver {
  readonly kind = "sqlite" as const;
  readonly engine: "better-sqlite3" | "node:sqlite";
  readonly #db: SyncDatabase;
  readonly #statements = new Map<string, SyncStatement>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const { db, engine } = openSyncDatabase(path);
    this.#db = db;
    this.engine = engine;
    this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec("PRAGMA busy_timeout = 5000");
    this.#db.exec("PRAGMA synchronous = NORMAL");
  }

  #prepare(sql: string): SyncStatement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  readonly #direct: SqlExecutor = {
    all: async (sql: string, params: SqlValue[] = []) => this.#prepare(sql).all(...params) as Row[],
    run: async (sql: string, params: SqlValue[] = []) => Number(this.#prepare(sql).run(...params).changes),
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
