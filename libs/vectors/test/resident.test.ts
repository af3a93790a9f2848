import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LanceDbStore, type ResidentOptions, ResidentReads, type VectorRecord } from "../src/index.ts";
import { describeVectorStore } from "./conformance.ts";

let root: string;
let dir: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "lumina-resident-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** `chunks` of `store` held in memory, synced by hand (syncAll) unless a test says otherwise. */
const holding = (store: LanceDbStore, options: Partial<ResidentOptions> = {}) =>
  new ResidentReads(store, {
    collections: ["chunks"],
    maxRows: 1000,
    syncMs: 60_000,
    fullText: true,
    ...options,
  });

// Writes made through the wrapper are seen at once: the whole port contract holds with `chunks` held.
describeVectorStore(
  "LanceDB with chunks held in memory (ResidentReads)",
  async () => holding(await LanceDbStore.open(dir)),
  async () => {
    dir = join(root, String(++n));
  },
);

/** A deterministic pseudo-random unit-ish vector (no ties between records). */
function vectorOf(seed: number, dim = 32): number[] {
  let x = seed * 2654435761;
  return Array.from({ length: dim }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  });
}

const chunk = (page: number, i: number, revision = 1): VectorRecord => ({
  id: `${page}-${revision}-${i}`,
  vector: vectorOf(page * 100 + i + revision * 7),
  text: `text of page ${page}, chunk ${i}`,
  payload: { title: `Page ${page}`, page_id: page, revision, chunk: i },
});

describe("ResidentReads beside a writer in another connection (the rag-worker beside the indexer)", () => {
  it("answers dense queries as LanceDB does, and follows writes and deletes made elsewhere", async () => {
    const shared = join(root, "beside");
    const writer = await LanceDbStore.open(shared);
    const plain = await LanceDbStore.open(shared, { readConsistencySeconds: 0 });
    // A reader that would not look for new versions by itself for an hour: the copy still follows.
    const source = await LanceDbStore.open(shared, { readConsistencySeconds: 3600 });
    const fetched: string[] = [];
    const records = source.records.bind(source);
    source.records = (c, ids) => (fetched.push(...ids), records(c, ids));
    const held = holding(source);
    const same = async (q: Parameters<LanceDbStore["query"]>[1]) => {
      const [want, got] = await Promise.all([plain.query("chunks", q), held.query("chunks", q)]);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]?.score as number, 5));
      expect(got.map((h) => [h.text, h.payload])).toEqual(want.map((h) => [h.text, h.payload]));
      return got;
    };
    try {
      await writer.upsert(
        "chunks",
        [...Array(60).keys()].flatMap((p) => [0, 1, 2].map((i) => chunk(p, i))),
      );
      await held.syncAll();
      expect(held.held()).toEqual({ chunks: 180 });
      for (const seed of [1, 2, 3]) await same({ mode: "dense", vector: vectorOf(9_000 + seed), limit: 10 });
      const lead = await same({
        mode: "dense",
        vector: vectorOf(5),
        limit: 1,
        filter: { title: "Page 7", chunk: 0 },
      });
      expect(lead.map((h) => h.id)).toEqual(["7-1-0"]);
      await same({ mode: "dense", vector: vectorOf(6), limit: 5, filter: { chunk: 0, page_id: { not: 3 } } });
      // A new revision of page 7 replaces its chunks; page 8 is gone: only the new records are read.
      fetched.length = 0;
      await writer.upsert(
        "chunks",
        [0, 1].map((i) => chunk(7, i, 2)),
      );
      await writer.delete("chunks", { page_id: 7, revision: { not: 2 } });
      await writer.delete("chunks", { page_id: 8 });
      await held.syncAll();
      expect(fetched.sort()).toEqual(["7-2-0", "7-2-1"]);
      expect(held.held()).toEqual({ chunks: 180 - 3 - 3 + 2 });
      const fresh = await same({
        mode: "dense",
        vector: vectorOf(5),
        limit: 1,
        filter: { title: "Page 7", chunk: 0 },
      });
      expect(fresh.map((h) => h.id)).toEqual(["7-2-0"]);
      await same({ mode: "dense", vector: vectorOf(8 * 100), limit: 20, fields: ["title"] });
      // Compaction writes a new version with the same records: nothing is read again.
      fetched.length = 0;
      await writer.maintain("chunks", { keepVersionsMs: 0 });
      await held.syncAll();
      expect(fetched).toEqual([]);
      await same({ mode: "dense", vector: vectorOf(77), limit: 10 });
      // The table dropped and built again with other texts under the same ids: read again in full.
      await writer.dropCollection("chunks");
      await writer.upsert(
        "chunks",
        [0, 1].map((i) => ({ ...chunk(7, i, 2), text: `rebuilt ${i}` })),
      );
      await held.syncAll();
      expect(held.held()).toEqual({ chunks: 2 });
      const rebuilt = await same({ mode: "dense", vector: vectorOf(5), limit: 2 });
      expect(rebuilt.map((h) => h.text).sort()).toEqual(["rebuilt 0", "rebuilt 1"]);
      // A sync that fails leaves the answers to the store until one succeeds.
      source.records = () => Promise.reject(new Error("files removed under the reader"));
      await writer.upsert("chunks", [chunk(9, 0)]);
      await held.syncAll();
      expect(held.held()).toEqual({ chunks: 0 });
      await same({ mode: "dense", vector: vectorOf(9), limit: 3 });
      source.records = (c, ids) => (fetched.push(...ids), records(c, ids));
      await held.syncAll();
      expect(held.held()).toEqual({ chunks: 3 });
    } finally {
      await held.close();
      await plain.close();
      await writer.close();
    }
  });

  it("answers a query after a pause of syncMs with everything written elsewhere before it", async () => {
    const shared = join(root, "fresh");
    const writer = await LanceDbStore.open(shared);
    // The timer would not sync for an hour: the query itself brings the copy up to date.
    const held = holding(await LanceDbStore.open(shared, { readConsistencySeconds: 3600 }), {
      syncMs: 300,
      timerMs: 3_600_000,
    });
    const ask = async () =>
      (await held.query("chunks", { mode: "sparse", text: "page", limit: 100 })).map((h) => h.id).sort();
    try {
      await writer.upsert("chunks", [chunk(1, 0)]);
      expect(await ask()).toEqual(["1-1-0"]); // the first query looks
      await writer.upsert("chunks", [chunk(2, 0)]);
      await new Promise((r) => setTimeout(r, 320));
      expect(await ask()).toEqual(["1-1-0", "2-1-0"]);
    } finally {
      await held.close();
      await writer.close();
    }
  });

  it("leaves a collection past maxRows to the store, and holds it again once it is small enough", async () => {
    const shared = join(root, "too-big");
    const writer = await LanceDbStore.open(shared);
    const held = holding(await LanceDbStore.open(shared, { readConsistencySeconds: 0 }), { maxRows: 50 });
    try {
      await writer.upsert(
        "chunks",
        [...Array(20).keys()].flatMap((p) => [0, 1, 2].map((i) => chunk(p, i))),
      );
      await held.syncAll();
      expect(held.held()).toEqual({ chunks: 0 });
      const hits = await held.query("chunks", { mode: "dense", vector: vectorOf(1), limit: 3 });
      expect(hits).toHaveLength(3); // answered by LanceDB
      await writer.delete("chunks", { page_id: { gte: 10 } });
      await held.syncAll();
      expect(held.held()).toEqual({ chunks: 30 });
    } finally {
      await held.close();
      await writer.close();
    }
  });
});

describe("ResidentReads: full-text queries scored as LanceDB scores them", () => {
  it("gives LanceDB's BM25 hits and scores on the SQuAD paragraphs for the SQuAD questions", async () => {
    type Squad = { data: { paragraphs: { context: string; qas: { question: string }[] }[] }[] };
    const squad = JSON.parse(await readFile(fixture("qa/squad-small-normans-cct.json"), "utf8")) as Squad;
    const paragraphs = squad.data.flatMap((a) => a.paragraphs);
    const shared = join(root, "bm25");
    const writer = await LanceDbStore.open(shared);
    const plain = await LanceDbStore.open(shared, { readConsistencySeconds: 0 });
    const held = holding(await LanceDbStore.open(shared, { readConsistencySeconds: 0 }));
    try {
      const records = paragraphs.map((p, i) => ({ ...chunk(i, 0), text: p.context }));
      await writer.upsert("chunks", records);
      await writer.maintain("chunks"); // every row in the full-text index: LanceDB scores with whole-table statistics
      await held.syncAll();
      const questions = paragraphs.flatMap((p) => p.qas.map((q) => q.question)).slice(0, 150);
      let compared = 0;
      for (const text of [...questions, "Norman café being ran", "the of and"]) {
        const q = { mode: "sparse" as const, text, limit: 10 };
        const [want, got] = await Promise.all([plain.query("chunks", q), held.query("chunks", q)]);
        expect(got.map((h) => h.score)).toEqual(want.map((h) => expect.closeTo(h.score, 4)));
        // The same records, but for ties at the cut (equal scores may come in either order).
        const last = want.at(-1)?.score ?? 0;
        const above = (hits: typeof got) =>
          hits
            .filter((h) => h.score > last + 1e-4)
            .map((h) => h.id)
            .sort();
        expect(above(got)).toEqual(above(want));
        compared += want.length;
      }
      expect(compared).toBeGreaterThan(1000);
    } finally {
      await held.close();
      await plain.close();
      await writer.close();
    }
  });
});
