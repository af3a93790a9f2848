import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
