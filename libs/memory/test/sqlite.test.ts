import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openMemoryStore } from "../src/index.ts";
import { memoryStoreContract, message } from "./conformance.ts";

let dir = "";
memoryStoreContract(
  "SQLite",
  async () => {
    dir = await mkdtemp(join(tmpdir(), "lumina-memory-"));
    return openMemoryStore({ MEMORY_STORE: "sqlite", MEMORY_DATABASE_URL: "", DATA_DIR: dir });
  },
  () => rm(dir, { recursive: true, force: true }),
);

describe("opening one SQLite file from two services of a process at once (one shared connection)", () => {
  it("applies each migration once and both stores work", async () => {
    const shared = await mkdtemp(join(tmpdir(), "lumina-memory-twice-"));
    try {
      const config = { MEMORY_STORE: "sqlite" as const, MEMORY_DATABASE_URL: "", DATA_DIR: shared };
      const [a, b] = await Promise.all([openMemoryStore(config), openMemoryStore(config)]);
      await a.addMessage(message("x1", "zoe", "hello"));
      expect((await b.messages("zoe")).map((m) => m.id)).toEqual(["x1"]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });
});
