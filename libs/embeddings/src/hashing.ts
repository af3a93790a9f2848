import { createHash } from "node:crypto";
import type { Embedder } from "./port.ts";

/**
 * Feature hashing of word unigrams and bigrams into `dimension` buckets, L2-normalised. Lexical, not
 * semantic: texts sharing words are close. Deterministic and nearly free, it shows the pipeline's own
 * ceiling in benchmarks and keeps tests fast; never the default for real use (`fallback: true`).
 */
export class HashingEmbedder implements Embedder {
  readonly fallback = true;
  readonly modelId: string;

  constructor(readonly dimension = 256) {
    this.modelId = `hashing-uni-bigram-${dimension}`;
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.#one(text));
  }

  #one(text: string): number[] {
    const v = new Array<number>(this.dimension).fill(0);
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const add = (feature: string) => {
      const h = createHash("md5").update(feature).digest();
      const bucket = h.readUInt32LE(0) % this.dimension;
      v[bucket] = (v[bucket] as number) + ((h[4] as number) & 1 ? 1 : -1); // signed hashing
    };
    words.forEach((w, i) => {
      add(w);
      if (i > 0) add(`${words[i - 1]} ${w}`);
    });
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }

  async close(): Promise<void> {}
}
