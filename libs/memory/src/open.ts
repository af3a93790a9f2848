import { join } from "node:path";
import { LuminaError } from "@lumina/errors";
import { type Static, Type } from "@sinclair/typebox";
import type { MemoryStore } from "./port.ts";
import { migrate, type SqlDriver } from "./sql/driver.ts";
import { PostgresDriver } from "./sql/postgres.ts";
import { MIGRATIONS } from "./sql/schema.ts";
import { openSqlite } from "./sql/sqlite.ts";
import { SqlMemoryStore } from "./sql/store.ts";

/** The variables that choose where the memory of users lives; every service that reads it has them. */
export const MemoryStoreConfig = Type.Object({
  MEMORY_STORE: Type.Union([Type.Literal("sqlite"), Type.Literal("postgres")], {
    default: "sqlite",
    description:
      "sqlite: a file under DATA_DIR/memory (embedded); postgres: the database at MEMORY_DATABASE_URL",
  }),
  MEMORY_DATABASE_URL: Type.String({
    default: "postgres://lumina:lumina@127.0.0.1:5432/lumina",
    description: "used when MEMORY_STORE=postgres",
  }),
});

type Config = Static<typeof MemoryStoreConfig> & { DATA_DIR: string };

/** The SQLite file of the memory store under DATA_DIR. */
export const sqlitePath = (dataDir: string): string => join(dataDir, "memory", "memory.sqlite");

/**
 * Opens the configured store and applies its pending migrations; the caller closes it. A database that
 * cannot be reached is a `memory_store_unavailable` error naming the variable to fix.
 */
export async function openMemoryStore(config: Config): Promise<MemoryStore> {
  const driver: SqlDriver =
    config.MEMORY_STORE === "postgres"
      ? new PostgresDriver(config.MEMORY_DATABASE_URL)
      : openSqlite(sqlitePath(config.DATA_DIR));
  try {
    await migrate(driver, MIGRATIONS);
  } catch (err) {
    await driver.close().catch(() => undefined);
    const where = config.MEMORY_STORE === "postgres" ? "MEMORY_DATABASE_URL" : "DATA_DIR";
    throw new LuminaError(
      "memory_store_unavailable",
      `the ${config.MEMORY_STORE} memory store could not be opened (${(err as Error).message}); check ${where}`,
      { cause: err },
    );
  }
  return new SqlMemoryStore(driver);
}
