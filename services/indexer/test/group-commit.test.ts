import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LanceDbStore, type VectorRecord } from "@lumina/vectors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommitWriter, KeyedLock } from "../src/group-commit.ts";

let dir: string;
let store: LanceDbStore;
let writes: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lumina-group-commit-"));
  store = await LanceDbStore.open(dir);
  writes = 0;
  const upsert = store.upsert.bind(store);
  store.upsert = (collection, records) => {
    writes++; // counting the real store's commits
    return upsert(collection, records);
  };
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const rec = (id: string, dim = 3): VectorRecord => ({
  id,
  vector: Array.from({ length: dim }, (_, i) => (i === 0 ? 1 : 0)),
  text: `text ${id}`,
  payload: { title: id },
});

describe("GroupCommitWriter (real LanceDB)", () => {
  it("combines concurrent upserts into few commits, each caller resolving once its records are stored", async () => {
    const writer = new GroupCommitWriter(store);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => writer.upsert("chunks", [rec(`a${i}`), rec(`b${i}`)])),
    );
    expect(await store.count("chunks")).toBe(40);
    expect(writes).toBeLessThanOrEqual(2);
  });

  it("lingers: upserts arriving within lingerMs of the first share its commit", async () => {
    const spaced = async (writer: GroupCommitWriter, prefix: string) => {
      const done: Promise<void>[] = [];
      for (let i = 0; i < 5; i++) {
        done.push(writer.upsert("chunks", [rec(`${prefix}${i}`)]));
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.all(done);
    };
    await spaced(new GroupCommitWriter(store, 0), "eager");
    expect(writes).toBeGreaterThanOrEqual(2); // the first record is committed before the second arrives
    writes = 0;
    await spaced(new GroupCommitWriter(store, 200), "lingering");
    expect(writes).toBe(1);
    expect(await store.count("chunks")).toBe(10);
  });

  it("rejects every caller of a failed commit, and the next batch still works", async () => {
    const writer = new GroupCommitWriter(store);
    await writer.upsert("chunks", [rec("ok")]);
    // A column the table does not have: LanceDB refuses the whole write.
    const bad = [
      writer.upsert("chunks", [{ ...rec("x"), payload: { title: "x", unknown_column: 1 } }]),
      writer.upsert("chunks", [rec("y")]),
    ];
    const results = await Promise.allSettled(bad);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await writer.upsert("chunks", [rec("z")]);
    expect((await store.get("chunks", ["ok", "z"])).map((h) => h.id).sort()).toEqual(["ok", "z"]);
  });
});

describe("KeyedLock", () => {
  it("runs work for one key in order and other keys alongside", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}-`);
    };
    await Promise.all([
      lock.run("p1", step("a", 30)),
      lock.run("p1", step("b", 1)),
      lock.run("p2", step("c", 1)),
    ]);
    expect(log.indexOf("a-")).toBeLessThan(log.indexOf("b+"));
    expect(log.indexOf("c-")).toBeLessThan(log.indexOf("a-"));
  });

  it("goes on after a failure", async () => {
    const lock = new KeyedLock();
    await expect(lock.run("k", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(lock.run("k", async () => 7)).resolves.toBe(7);
  });
});
