import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@lancedb/lancedb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordsTable } from "../src/arrow-records.ts";
import { LanceDbStore, reciprocalRankFusion, toWhere } from "../src/index.ts";
import { describeVectorStore } from "./conformance.ts";

let root: string;
let dir: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "lumina-lance-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describeVectorStore(
  "LanceDB (embedded)",
  () => LanceDbStore.open(dir),
  async () => {
    dir = join(root, String(++n));
  },
);
// The Qdrant adapter runs this same suite in qdrant.test.ts when QDRANT_URL is set.

describe("LanceDB: a reader connection beside a writer (rag-worker beside the indexer)", () => {
  it("sees rows and the full-text index written after it opened the table", async () => {
    const shared = join(root, "reader-writer");
    const writer = await LanceDbStore.open(shared);
    const reader = await LanceDbStore.open(shared, { readConsistencySeconds: 0 });
    const row = (id: string, text: string) => ({ id, vector: [1, 0, 0], text, payload: { title: id } });
    try {
      expect(await reader.count("chunks")).toBe(0); // no table yet
      await writer.upsert("chunks", [row("a", "granite tors on Dartmoor")]);
      expect(await reader.count("chunks")).toBe(1);
      await writer.upsert("chunks", [row("b", "slate quarries in Cornwall")]);
      expect(await reader.count("chunks")).toBe(2);
      const hits = await reader.query("chunks", { mode: "sparse", text: "Cornwall", limit: 5 });
      expect(hits.map((h) => h.id)).toEqual(["b"]);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});

describe("LanceDB: a reader while another connection creates the table", () => {
  it("finds nothing until the first rows are in, and never fails meanwhile", async () => {
    const shared = join(root, "creating");
    const writer = await LanceDbStore.open(shared);
    const reader = await LanceDbStore.open(shared, { readConsistencySeconds: 0 });
    const failures: string[] = [];
    try {
      // Five tables created while the reader asks without pause: before the fix, each creation
      // failed some of the reads (its name listed before its first version is written).
      for (let t = 0; t < 5; t++) {
        const name = `created_${t}`;
        const ask = () => reader.query(name, { mode: "dense", vector: [1, 0, 0], limit: 1 });
        expect(await ask()).toEqual([]); // no table yet
        let reading = true;
        const found: number[] = [];
        const reads = (async () => {
          while (reading)
            await ask().then(
              (hits) => void found.push(hits.length),
              (err: unknown) => void failures.push(String(err)),
            );
        })();
        await writer.ensureCollection({ name, dimension: 3, model: "test" });
        await writer.upsert(name, [{ id: "a", vector: [1, 0, 0], text: "tors", payload: {} }]);
        await new Promise((r) => setTimeout(r, 30));
        reading = false;
        await reads;
        expect(found.at(-1)).toBe(1); // the last read, after the row was written, finds it
      }
      expect(failures).toEqual([]);
    } finally {
      await Promise.all([reader.close(), writer.close()]);
    }
  });
});

describe("LanceDB maintenance", () => {
  it("optimizes small collections and builds an HNSW index once they reach annMinRows", async () => {
    const store = await LanceDbStore.open(join(root, "maintain"), { annMinRows: 300, ef: 50 });
    const vec = (i: number) => {
      let x = (i + 1) * 2654435761; // a different pseudo-random vector per row
      return Array.from({ length: 16 }, () => {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        return x / 2 ** 30 - 1;
      });
    };
    const rows = (from: number, n: number) =>
      Array.from({ length: n }, (_, k) => ({
        id: `r${from + k}`,
        vector: vec(from + k),
        text: `row ${from + k}`,
        payload: { title: `t${from + k}` },
      }));
    try {
      await store.upsert("chunks", rows(0, 200));
      expect(await store.maintain("chunks")).toMatch(
        /^optimized 200 rows: \d+ fragments into \d+, \d+ old versions/,
      );
      await store.upsert("chunks", rows(200, 200));
      expect(await store.maintain("chunks")).toMatch(
        /^built an HNSW-SQ index over 400 rows; optimized 400 rows/,
      );
      await store.upsert("chunks", rows(400, 50)); // < 1.5 × 400: merged, not rebuilt
      expect(await store.maintain("chunks")).toMatch(/^optimized 450 rows: 2 fragments into 1/);
      const hits = await store.query("chunks", { mode: "dense", vector: vec(123), limit: 3 });
      expect(hits[0]?.id).toBe("r123");
      const late = await store.query("chunks", { mode: "dense", vector: vec(420), limit: 3 });
      expect(late[0]?.id).toBe("r420");
    } finally {
      await store.close();
    }
  });
});

describe("helpers", () => {
  it("builds safe SQL predicates", () => {
    expect(toWhere({ page_id: 3, revision: { not: 7 }, title: "O'Brien" })).toBe(
      "page_id = 3 AND revision != 7 AND title = 'O''Brien'",
    );
    expect(() => toWhere({ "x; DROP": 1 })).toThrow(/invalid filter field/);
  });

  it("fuses rankings with RRF: agreement beats a single first place", () => {
    const hit = (id: string) => ({ id, score: 0, text: "", payload: {} });
    const fused = reciprocalRankFusion(
      [
        [hit("a"), hit("b")],
        [hit("c"), hit("b")],
      ],
      3,
    );
    expect(fused.map((h) => h.id)).toEqual(["b", "a", "c"]);
  });
});

describe("LanceDB: records written as Arrow columns", () => {
  it("writes what the rows would have written, and leaves records that do not fit to LanceDB", async () => {
    const store = await LanceDbStore.open(join(root, "arrow-columns"));
    const row = (id: string, vector: number[], payload: Record<string, string | number>) => ({
      id,
      vector,
      text: `text of ${id} — é 日本`,
      payload,
    });
    await store.upsert("chunks", [row("first", [1, 0, 0], { title: "A", page_id: 1 })]);
    const db = await connect(join(root, "arrow-columns"));
    const table = await db.openTable("chunks");
    const schema = await table.schema();
    const fitting = [
      row("second", [0, 1, 0], { title: "B", page_id: 2 }),
      row("third", [0, 0, 1], { title: "C" }),
    ];
    expect(recordsTable(schema, fitting)?.numRows).toBe(2);
    expect(recordsTable(schema, [row("x", [1, 0], { title: "X" })])).toBeUndefined(); // another dimension
    expect(recordsTable(schema, [row("y", [1, 0, 0], { other: 1 })])).toBeUndefined(); // a field it lacks
    await store.upsert("chunks", fitting);
    const hits = await store.get("chunks", ["second", "third"]);
    expect(hits.map((h) => [h.id, h.text, h.payload]).sort()).toEqual([
      ["second", "text of second — é 日本", { title: "B", page_id: 2 }],
      ["third", "text of third — é 日本", { title: "C", page_id: null }],
    ]);
    const nearest = await store.query("chunks", { mode: "dense", vector: [0, 0, 1], limit: 1 });
    expect(nearest[0]?.id).toBe("third");
    expect(nearest[0]?.score).toBeCloseTo(1, 5);
    await expect(store.upsert("chunks", [row("y", [1, 0, 0], { other: 1 })])).rejects.toThrow();
    table.close();
    db.close();
    await store.close();
  });
});
