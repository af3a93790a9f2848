import pg from "pg";
import { describe, expect, it } from "vitest";
import { openMemoryStore } from "../src/index.ts";
import { memoryStoreContract, message } from "./conformance.ts";

/*
 * The same contract on a real PostgreSQL. LUMINA_TEST_POSTGRES_URL names a server and a role that may
 * create databases (.ci/run starts Debian's PostgreSQL and sets it); each run gets a database of its
 * own, dropped afterwards. Without the variable the suite is skipped, and says so.
 */
const server = process.env.LUMINA_TEST_POSTGRES_URL;
const database = `lumina_test_${process.pid}_${Date.now().toString(36)}`;

const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: server as string });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

describe.skipIf(!server)("on PostgreSQL (skipped without LUMINA_TEST_POSTGRES_URL)", () => {
  memoryStoreContract(
    "PostgreSQL",
    async () => {
      await admin((c) => c.query(`CREATE DATABASE ${database}`));
      const url = new URL(server as string);
      url.pathname = `/${database}`;
      return openMemoryStore({ MEMORY_STORE: "postgres", MEMORY_DATABASE_URL: url.toString(), DATA_DIR: "" });
    },
    () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(() => undefined),
  );
  describe("opening one PostgreSQL database from two stores at once", () => {
    it("applies each migration once and both stores work", async () => {
      const twice = `${database}_twice`;
      await admin((c) => c.query(`CREATE DATABASE ${twice}`));
      try {
        const url = new URL(server as string);
        url.pathname = `/${twice}`;
        const config = {
          MEMORY_STORE: "postgres" as const,
          MEMORY_DATABASE_URL: url.toString(),
          DATA_DIR: "",
        };
        const [a, b] = await Promise.all([openMemoryStore(config), openMemoryStore(config)]);
        await a.addMessage(message("x1", "zoe", "hello"));
        expect((await b.messages("zoe")).map((m) => m.id)).toEqual(["x1"]);
        await Promise.all([a.close(), b.close()]);
      } finally {
        await admin((c) => c.query(`DROP DATABASE IF EXISTS ${twice} WITH (FORCE)`));
      }
    });
  });
});
