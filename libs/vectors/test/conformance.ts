import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CollectionMismatchError, type VectorRecord, type VectorStore } from "../src/index.ts";

/** Unit vector along axis `i` of a 4-d space, nudged so that ties never happen. */
const axis = (i: number, nudge = 0): number[] => [0, 1, 2, 3].map((j) => (j === i ? 1 : nudge * (j + 1)));
const record = (id: string, vector: number[], text: string, page_id = 1, revision = 1): VectorRecord => ({
  id,
  vector,
  text,
  payload: {
    title: `Page ${page_id}`,
    url: `https://w/${page_id}`,
    page_id,
    revision,
    section: "Lead",
    chunk: 0,
    ts: "2026-11-23",
  },
});

/**
 * The VectorStore contract (see port.ts), for any adapter. `open` gives a store over the same data
 * location each time it is called within one test, so persistence can be checked.
 */
export function describeVectorStore(
  name: string,
  open: () => Promise<VectorStore>,
  reset: () => Promise<void>,
) {
  describe(`VectorStore conformance: ${name}`, () => {
    let store: VectorStore;
    const spec = { name: "chunks", dimension: 4, model: "test-model" };
    beforeEach(async () => {
      await reset();
      store = await open();
      await store.ensureCollection(spec);
    });
    afterEach(() => store.close());

    it("refuses a collection built with another model or dimension", async () => {
      await expect(store.ensureCollection({ ...spec, model: "other" })).rejects.toBeInstanceOf(
        CollectionMismatchError,
      );
      await expect(store.ensureCollection({ ...spec, dimension: 8 })).rejects.toThrow(/lumina reindex/);
      await expect(store.ensureCollection(spec)).resolves.toBeUndefined();
    });

    it("drops a collection, which can then be built again with another model", async () => {
      await store.upsert("chunks", [record("a", axis(0), "first text")]);
      await store.dropCollection("chunks");
      await store.dropCollection("chunks"); // absent: nothing happens
      await store.ensureCollection({ ...spec, model: "other", dimension: 8 });
      expect(await store.count("chunks")).toBe(0);
      await store.upsert("chunks", [
        {
          id: "b",
          vector: Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0)),
          text: "eight",
          payload: {},
        },
      ]);
      expect((await store.get("chunks", ["b"]))[0]?.text).toBe("eight");
    });

    it("upserts: the same id written twice is one record, holding the second version", async () => {
      await store.upsert("chunks", [record("a", axis(0), "first text"), record("b", axis(1), "other")]);
      await store.upsert("chunks", [record("a", axis(0), "second text")]);
      expect(await store.count("chunks")).toBe(2);
      expect((await store.get("chunks", ["a"]))[0]?.text).toBe("second text");
    });

    it("deletes by filter, inequality included (old revisions of a page)", async () => {
      await store.upsert("chunks", [
        record("p1r1", axis(0), "old", 1, 1),
        record("p1r2", axis(1), "new", 1, 2),
        record("p2r1", axis(2), "other page", 2, 1),
      ]);
      await store.delete("chunks", { page_id: 1, revision: { not: 2 } });
      expect((await store.get("chunks", ["p1r1", "p1r2", "p2r1"])).map((h) => h.id).sort()).toEqual([
        "p1r2",
        "p2r1",
      ]);
      expect(await store.count("chunks", { page_id: 1 })).toBe(1);
    });

    it("dense query: nearest first, cosine, within the filter", async () => {
      await store.upsert("chunks", [
        record("x", axis(0, 0.01), "alpha", 1),
        record("y", axis(1, 0.01), "beta", 1),
        record("z", axis(0, 0.2), "gamma", 2),
      ]);
      const hits = await store.query("chunks", { mode: "dense", vector: axis(0), limit: 3 });
      expect(hits.map((h) => h.id)).toEqual(["x", "z", "y"]);
      expect(hits[0]?.score).toBeGreaterThan(0.99);
      expect(hits[0]?.payload).toMatchObject({ title: "Page 1", page_id: 1, revision: 1 });
      const onlyPage2 = await store.query("chunks", {
        mode: "dense",
        vector: axis(0),
        limit: 3,
        filter: { page_id: 2 },
      });
      expect(onlyPage2.map((h) => h.id)).toEqual(["z"]);
      const recent = await store.query("chunks", {
        mode: "dense",
        vector: axis(0),
        limit: 3,
        filter: { revision: { gte: 1 }, page_id: { not: 2 } },
      });
      expect(recent.map((h) => h.id)).toEqual(["x", "y"]);
      expect(await store.count("chunks", { page_id: { gte: 2 } })).toBe(1);
    });

    it("returns only the payload fields asked for", async () => {
      await store.upsert("chunks", [record("x", axis(0), "alpha", 1), record("z", axis(0, 0.2), "gamma", 2)]);
      const hits = await store.query("chunks", {
        mode: "dense",
        vector: axis(0),
        limit: 2,
        fields: ["title"],
      });
      expect(hits.map((h) => [h.id, h.text, h.payload])).toEqual([
        ["x", "", { title: "Page 1" }],
        ["z", "", { title: "Page 2" }],
      ]);
      const withText = await store.query("chunks", {
        mode: "sparse",
        text: "gamma",
        limit: 1,
        fields: ["text", "page_id"],
      });
      expect(withText.map((h) => [h.id, h.text, h.payload])).toEqual([["z", "gamma", { page_id: 2 }]]);
    });

    it("sparse query ranks by BM25 over text, also for records added later", async () => {
      await store.upsert("chunks", [
        record("c1", axis(0), "Bodmin is a town in Cornwall"),
        record("c2", axis(1), "Statoil is a Norwegian oil company"),
      ]);
      await store.upsert("chunks", [record("c3", axis(2), "Cornwall Cornwall: the Cornish peninsula")]);
      const hits = await store.query("chunks", { mode: "sparse", text: "Cornwall", limit: 5 });
      expect(hits.map((h) => h.id).sort()).toEqual(["c1", "c3"]);
      expect(hits[0]?.id).toBe("c3");
    });

    it("hybrid query fuses dense and sparse rankings", async () => {
      await store.upsert("chunks", [
        record("dense-only", axis(0), "nothing relevant here"),
        record("both", axis(0, 0.3), "Bodmin Moor granite"),
        record(
          "sparse-only",
          axis(3),
          "Bodmin is named once in this much longer sentence about other things",
        ),
      ]);
      const hits = await store.query("chunks", { mode: "hybrid", vector: axis(0), text: "Bodmin", limit: 3 });
      expect(hits[0]?.id).toBe("both");
      expect(hits.map((h) => h.id).sort()).toEqual(["both", "dense-only", "sparse-only"]);
    });

    it("keeps what it wrote across close and reopen", async () => {
      await store.upsert("chunks", [record("kept", axis(0), "durable")]);
      await store.close();
      store = await open();
      await store.ensureCollection(spec);
      expect((await store.get("chunks", ["kept"]))[0]?.text).toBe("durable");
      expect((await store.query("chunks", { mode: "sparse", text: "durable", limit: 1 }))[0]?.id).toBe(
        "kept",
      );
    });
  });
}
