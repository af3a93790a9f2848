import { createHash } from "node:crypto";

/**
 * BM25 as a Qdrant sparse vector: the client sends each term's saturated term frequency, and the
 * collection's `idf` modifier multiplies in the inverse document frequency at query time (Qdrant's
 * recommended BM25 setup). Terms are hashed into 31-bit indices.
 */
export interface SparseVector {
  indices: number[];
  values: number[];
}

const K1 = 1.2;
const B = 0.75;

export function termIndex(term: string): number {
  return createHash("md5").update(term).digest().readUInt32LE(0) & 0x7fffffff;
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Document side: tf·(k1+1) / (tf + k1·(1 − b + b·len/avgLen)) per distinct term. */
export function documentVector(text: string, avgLen = 200): SparseVector {
  const terms = tokenize(text);
  const tf = new Map<number, number>();
  for (const t of terms) tf.set(termIndex(t), (tf.get(termIndex(t)) ?? 0) + 1);
  const norm = K1 * (1 - B + (B * terms.length) / avgLen);
  const indices = [...tf.keys()];
  return {
    indices,
    values: indices.map((i) => ((tf.get(i) as number) * (K1 + 1)) / ((tf.get(i) as number) + norm)),
  };
}

/** Query side: each distinct term once, weight 1 (IDF comes from the collection). */
export function queryVector(text: string): SparseVector {
  const indices = [...new Set(tokenize(text).map(termIndex))];
  return { indices, values: indices.map(() => 1) };
}
