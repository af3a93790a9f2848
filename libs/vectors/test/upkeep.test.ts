import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diskBytes, waitFor } from "@lumina/testing";
import { CollectionUpkeep, LanceDbStore, type VectorRecord } from "../src/index.ts";

// Each write to a LanceDB table adds a fragment and a version; without upkeep both grow by one per
// write forever (and every query reads more files). The real embedded store, on disk.
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "lumina-upkeep-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const record = (i: number): VectorRecord => ({
  id: `r${i}`,
  vector: [Math.cos(i), Math.sin(i), 1],
  text: `note number ${i} about topic ${i % 5}`,
  payload: { i },
});
const spec = { name: "notes", dimension: 3, model: "test" };

async function writeOneByOne(store: LanceDbStore, count: number, upkeep?: CollectionUpkeep) {
  await store.ensureCollection(spec);
  for (let i = 0; i < count; i++) {
    const write = () => store.upsert("notes", [record(i)]);
    await (upkeep ? upkeep.write(write) : write());
  }
  await upkeep?.stop();
}

describe("CollectionUpkeep (LanceDB)", () => {
  it("keeps fragments and versions few, where writes alone pile them up", async () => {
    const plain = await LanceDbStore.open(join(root, "plain"));
    await writeOneByOne(plain, 45);
    const without = await plain.layout("notes");
    await plain.close();

    const store = await LanceDbStore.open(join(root, "kept"));
    const done: string[] = [];
    const upkeep = new CollectionUpkeep(store, "notes", {
      everyWrites: 20,
      keepVersionsMs: 0, // keep only the current version, to see pruning at work
      onDone: (did) => done.push(did),
    });
    await writeOneByOne(store, 45, upkeep);
    await upkeep.runIfWritten(); // the 5 writes after the second upkeep
    const kept = await store.layout("notes");
    expect(done).toHaveLength(3);
    expect(done[0]).toMatch(/^optimized \d+ rows: \d+ fragments into 1, \d+ old versions/);
    expect(without.fragments).toBeGreaterThanOrEqual(45);
    expect(without.versions).toBeGreaterThanOrEqual(45);
    expect(kept.fragments).toBeLessThanOrEqual(2);
    expect(kept.versions).toBeLessThanOrEqual(3);
    expect(kept.bytes).toBeLessThan(without.bytes);
    // Nothing lost: every row, dense and full-text search still answer.
    expect(await store.count("notes")).toBe(45);
    const [hit] = await store.query("notes", { mode: "dense", vector: record(7).vector, limit: 1 });
    expect(hit?.id).toBe("r7");
    const sparse = await store.query("notes", { mode: "sparse", text: "number 31", limit: 3 });
    expect(sparse.map((h) => h.id)).toContain("r31");
    await store.close();
  });

  it("never runs beside a write; queries go on meanwhile", async () => {
    const store = await LanceDbStore.open(join(root, "concurrent"));
    const upkeep = new CollectionUpkeep(store, "notes", { everyWrites: 5, keepVersionsMs: 0 });
    await store.ensureCollection(spec);
    const writes = Array.from({ length: 30 }, (_, i) =>
      upkeep.write(() => store.upsert("notes", [record(i)])),
    );
    const reads = Array.from({ length: 10 }, () =>
      store.query("notes", { mode: "dense", vector: [1, 0, 1], limit: 3 }),
    );
    await Promise.all([...writes, ...reads]);
    await upkeep.runIfWritten();
    expect(await store.count("notes")).toBe(30);
    expect((await store.layout("notes")).fragments).toBeLessThanOrEqual(2);
    await store.close();
  });

  it("a writer's own full-text queries never fail while its upkeep compacts", async () => {
    const store = await LanceDbStore.open(join(root, "fts-during-upkeep"));
    await store.ensureCollection(spec);
    for (let round = 0; round < 12; round++) {
      await store.upsert("notes", [record(2 * round)]);
      await store.upsert("notes", [record(2 * round + 1)]);
      // The query brings the full-text index up to date (optimize) while upkeep compacts the table.
      const [, hits] = await Promise.all([
        store.maintain("notes", { keepVersionsMs: 0 }),
        store.query("notes", { mode: "sparse", text: "note topic", limit: 3 }),
      ]);
      expect(hits.length).toBeGreaterThan(0);
    }
    await store.close();
  });

  it("with a retention window, spaces its upkeeps and prunes after the last one", async () => {
    const keepVersionsMs = 1_000;
    const store = await LanceDbStore.open(join(root, "window"));
    const done: { at: number; did: string }[] = [];
    const upkeep = new CollectionUpkeep(store, "notes", {
      everyWrites: 5,
      keepVersionsMs,
      onDone: (did) => done.push({ at: Date.now(), did }),
    });
    try {
      await store.ensureCollection(spec);
      const burstStart = Date.now();
      // Rows of 2 KB, so that data, not the indexes' few KiB, is what the disk holds.
      const row = (i: number) => ({
        ...record(i),
        text: `${record(i).text} ${"words of a longer note ".repeat(90)}`,
      });
      for (let i = 0; i < 40; i++) await upkeep.write(() => store.upsert("notes", [row(i)]));
      const burstMs = Date.now() - burstStart;
      // The 40 writes were 8 upkeeps' worth; a second apart, fewer ran during the burst.
      expect(done.length).toBeLessThanOrEqual(1 + Math.floor(burstMs / keepVersionsMs));
      // Then the one that was due, and two prunes a window apart; then nothing more.
      const quiet = keepVersionsMs + 2_000;
      await waitFor(
        "upkeep settled",
        async () => done.length >= 3 && Date.now() - (done.at(-1)?.at ?? 0) > quiet,
        {
          timeoutMs: 20_000,
          intervalMs: 100,
        },
      );
      const onDisk = await diskBytes(join(root, "window", "notes.lance"));
      expect((await store.layout("notes")).versions).toBeLessThanOrEqual(3);
      await upkeep.stop();
      await store.maintain("notes", { keepVersionsMs: 0 }); // only the current version: the live data
      const live = await diskBytes(join(root, "window", "notes.lance"));
      expect(onDisk).toBeLessThanOrEqual(1.25 * live);
      expect(await store.count("notes")).toBe(40);
    } finally {
      await upkeep.stop();
      await store.close();
    }
  });
});
