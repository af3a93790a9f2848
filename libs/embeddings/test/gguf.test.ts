import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GgufEmbedder, loadEmbedder, UseLiteEmbedder } from "../src/index.ts";

// The real node-llama-cpp embedding path with a real (tiny) GGUF model: stories260K gives 64-d
// embeddings. It is not a semantic embedding model; this proves loading, shapes and the contract.
let embedder: GgufEmbedder;
beforeAll(async () => {
  embedder = await GgufEmbedder.load({ modelPath: fixture("models/stories260K.gguf"), threads: 1 });
});
afterAll(() => embedder.close());

describe("GgufEmbedder (stories260K.gguf)", () => {
  it("gives one normalised vector of `dimension` per text, in order, deterministically", async () => {
    expect(embedder.dimension).toBe(64);
    expect(embedder.modelId).toBe("gguf:stories260K");
    const texts = ["Lily went to the park.", "", "The dog barked at the cat."];
    const [a, empty, b] = await embedder.embed(texts);
    expect(a).toHaveLength(64);
    expect(Math.hypot(...(a as number[]))).toBeCloseTo(1, 5);
    expect(empty?.every((x) => x === 0)).toBe(true);
    expect(a).not.toEqual(b);
    expect((await embedder.embed([texts[0] as string]))[0]).toEqual(a);
  });

  it("cuts a text longer than its context instead of failing", async () => {
    const [v] = await embedder.embed(["Once upon a time there was a girl. ".repeat(400)]);
    expect(v).toHaveLength(64);
  });
});

describe("EMBEDDER=auto", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lumina-embed-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("uses the GGUF model when its file is present, USE-lite otherwise", async () => {
    const gguf = await loadEmbedder({
      EMBEDDER: "auto",
      EMBED_MODEL_PATH: fixture("models/stories260K.gguf"),
      EMBED_MODEL: "x",
      EMBED_THREADS: "auto",
      DATA_DIR: dataDir,
    });
    expect(gguf).toBeInstanceOf(GgufEmbedder);
    await gguf.close();
    const settings = { EMBEDDER: "auto", EMBED_MODEL: "x", EMBED_THREADS: "off", DATA_DIR: dataDir } as const;
    const fallback = await loadEmbedder(settings);
    expect(fallback).toBeInstanceOf(UseLiteEmbedder);
    await fallback.close();
  });

  it("says how to get the model when EMBEDDER=gguf and the file is missing", async () => {
    await expect(
      loadEmbedder({ EMBEDDER: "gguf", EMBED_MODEL: "x", EMBED_THREADS: "auto", DATA_DIR: dataDir }),
    ).rejects.toThrow(/lumina models pull bge-small-en-v1.5/);
  });
});
