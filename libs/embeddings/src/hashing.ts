import type { Embedder } from "./port.ts";

/**
 * Feature hashing of word unigrams and bigrams into `dimension` buckets, L2-normalised. Lexical, not
 * semantic: texts sharing words are close. Deterministic and nearly free, it shows the pipeline's own
 * ceiling in benchmarks and keeps tests fast; never the default for real use (`fallback: true`).
 *
 * Features are hashed with 32-bit FNV-1a (a cryptographic hash per feature cost ~1 ms a chunk, most of
 * the indexer's time with this embedder). The model id names the hash, so a collection written with
 * another version is refused rather than silently mixed.
 */
export class HashingEmbedder implements Embedder {
  readonly fallback = true;
  readonly modelId: string;

  constructor(readonly dimension = 256) {
    this.modelId = `hashing-fnv1a-uni-bigram-${dimension}`;
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.#one(text));
  }

  #one(text: string): number[] {
    const v = new Float64Array(this.dimension);
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const add = (h: number) => {
      // Low bits pick the bucket, the top bit the sign (signed hashing keeps collisions unbiased).
      const bucket = (h >>> 1) % this.dimension;
      v[bucket] = (v[bucket] as number) + (h & 0x80000000 ? -1 : 1);
    };
    let previous = 0;
    words.forEach((w, i) => {
      const h = fnv1a(w, FNV_OFFSET);
      add(h);
      // The bigram "previous w", hashed without building the string.
      if (i > 0) add(fnv1a(w, fnv1a(" ", previous)));
      previous = h;
    });
    let sum = 0;
    for (const x of v) sum += x * x;
    const norm = Math.sqrt(sum) || 1;
    return Array.from(v, (x) => x / norm);
  }

  async close(): Promise<void> {}
}

const FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a over UTF-16 code units, continuing from `seed` (FNV_OFFSET to start afresh). */
export function fnv1a(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
