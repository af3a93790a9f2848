import { stem } from "porter2";

/**
 * LanceDB's full-text analysis with its default options (FtsOptions unset, as Lumina builds the
 * index): split on every character that is not a letter or a digit, drop tokens of 40 bytes or more,
 * lower-case, Snowball English stems, drop Lucene's English stop words (after stemming: "being" is
 * "be"), fold accents. Checked against LanceDB's own scores in libs/vectors/test/resident.test.ts.
 */
const STOP_WORDS = new Set(
  (
    "a an and are as at be but by for if in into is it no not of on or such that the their then there " +
    "these they this to was will with"
  ).split(" "),
);
const MAX_TOKEN_BYTES = 40;
const K1 = 1.2;
const B = 0.75;

export function ftsTerms(text: string): string[] {
  const out: string[] = [];
  for (const token of text.match(/[\p{Alphabetic}\p{N}]+/gu) ?? []) {
    if (Buffer.byteLength(token) >= MAX_TOKEN_BYTES) continue;
    const term = stem(token.toLowerCase());
    if (STOP_WORDS.has(term)) continue;
    out.push(/[^\x20-\x7e]/.test(term) ? term.normalize("NFKD").replace(/\p{M}/gu, "") : term);
  }
  return out;
}

/** Documents of one term: parallel arrays of slots and term frequencies. */
interface Postings {
  slots: number[];
  tfs: number[];
}

/**
 * An inverted index over the texts of a ResidentCopy's slots, scored as LanceDB scores a full-text
 * query: BM25 (k1 1.2, b 0.75) with the IDF ln(1 + (N − n + 0.5) / (n + 0.5)), each distinct query
 * term once, statistics over every document held.
 */
export class Bm25Index {
  readonly #postings = new Map<string, Postings>();
  readonly #lengths = new Map<number, number>();
  #totalLength = 0;
  /** Per slot, the score being summed for the current query (0 outside `score`). */
  #sums: Float64Array = new Float64Array(0);

  add(slot: number, text: string): void {
    const terms = ftsTerms(text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [term, count] of tf) {
      let p = this.#postings.get(term);
      if (!p) this.#postings.set(term, (p = { slots: [], tfs: [] }));
      p.slots.push(slot);
      p.tfs.push(count);
    }
    this.#lengths.set(slot, terms.length);
    this.#totalLength += terms.length;
  }

  /** Forgets the document in `slot`, whose text was `text`. */
  remove(slot: number, text: string): void {
    const length = this.#lengths.get(slot);
    if (length === undefined) return;
    for (const term of new Set(ftsTerms(text))) {
      const p = this.#postings.get(term);
      const at = p?.slots.indexOf(slot) ?? -1;
      if (!p || at < 0) continue;
      p.slots.splice(at, 1);
      p.tfs.splice(at, 1);
      if (p.slots.length === 0) this.#postings.delete(term);
    }
    this.#lengths.delete(slot);
    this.#totalLength -= length;
  }

  /**
   * Calls `each` with every slot containing a term of `query` and its BM25 score, in the order the
   * slots were first met. Scores add up in a buffer kept from query to query: a question's terms can
   * reach every document, and a Map of them per question was most of this path's garbage.
   */
  score(query: string, each: (slot: number, score: number) => void): void {
    const docs = this.#lengths.size;
    const avg = docs > 0 ? this.#totalLength / docs : 0;
    const touched: number[] = [];
    for (const term of new Set(ftsTerms(query))) {
      const p = this.#postings.get(term);
      if (!p) continue;
      const n = p.slots.length;
      const idf = Math.log(1 + (docs - n + 0.5) / (n + 0.5)); // > 0: a touched slot's sum is never 0
      for (let i = 0; i < n; i++) {
        const slot = p.slots[i] as number;
        const tf = p.tfs[i] as number;
        const norm = K1 * (1 - B + (B * (this.#lengths.get(slot) as number)) / (avg || 1));
        if (slot >= this.#sums.length) this.#sums = grown(this.#sums, slot);
        const sum = this.#sums[slot] as number;
        if (sum === 0) touched.push(slot);
        this.#sums[slot] = sum + (idf * tf * (K1 + 1)) / (tf + norm);
      }
    }
    for (const slot of touched) {
      each(slot, this.#sums[slot] as number);
      this.#sums[slot] = 0;
    }
  }
}

/** A copy of `sums` long enough for `slot`. */
function grown(sums: Float64Array, slot: number): Float64Array {
  const out = new Float64Array(Math.max(slot + 1, sums.length * 2, 1024));
  out.set(sums);
  return out;
}
