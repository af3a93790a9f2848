/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

/** The statements a store runs; `?` placeholders in both dialects (PostgreSQL's driver numbers them). */
export interface SqlExecutor {
  all(sql: string, params?: SqlValue[]): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
}

/** One database connection (or pool): statements, and transactions that see their own writes. */
export interface SqlDriver extends SqlExecutor {
  readonly kind: "sqlite" | "postgres";
  /** The library underneath: better-sqlite3 or node:sqlite, pg. */
  readonly engine: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A numbered schema change; applied once, in order, recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies the migrations not yet recorded, each in its own transaction; returns those applied. Two
 * processes opening one database at once (the rag-worker and the memory service) apply each step
 * once: the check runs inside the transaction, behind SQLite's write lock (BEGIN IMMEDIATE) or a
 * PostgreSQL advisory lock.
 */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[]): Promise<number[]> {
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await driver.tx(async (db) => {
      if (driver.kind === "postgres") await db.all("SELECT pg_advisory_xact_lock(72010)");
      await db.run(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
      );
      const seen = await db.all("SELECT version FROM schema_migrations WHERE version = ?", [m.version]);
      if (seen.length > 0) return false;
      for (const statement of m.sql
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean))
        await db.run(statement);
      await db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        m.version,
        m.name,
        Date.now(),
      ]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
