import pg from "pg";
import type { Row, SqlDriver, SqlExecutor, SqlValue } from "./driver.ts";

/** `?` placeholders as PostgreSQL's `$1, $2…`. */
export const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** BIGINT (times in ms) as numbers rather than strings: every value stored fits in a double. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

const executor = (q: pg.Pool | pg.PoolClient): SqlExecutor => ({
  all: async (sql, params = []) => (await q.query(numbered(sql), params)).rows as Row[],
  run: async (sql, params = []) => (await q.query(numbered(sql), params)).rowCount ?? 0,
});

/** A `pg` pool behind the driver interface; a transaction holds one client from BEGIN to COMMIT. */
export class PostgresDriver implements SqlDriver {
  readonly kind = "postgres" as const;
  readonly engine = "pg";
  readonly #pool: pg.Pool;
  readonly #exec: SqlExecutor;

  constructor(url: string, poolSize = 4) {
    this.#pool = new pg.Pool({ connectionString: url, max: poolSize, types });
    // An idle client losing its connection must not crash the process: the next query reconnects.
    this.#pool.on("error", () => undefined);
    this.#exec = executor(this.#pool);
  }

  all(sql: string, params?: SqlValue[]): Promise<Row[]> {
    return this.#exec.all(sql, params);
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.#exec.run(sql, params);
  }

  async tx<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      const out = await fn(executor(client));
      await client.query("COMMIT");
      return out;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
