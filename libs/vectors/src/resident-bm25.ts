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

  /** Every slot containing a term of `query`, with its BM25 score (unordered). */
  scores(query: string): Map<number, number> {
    const docs = this.#lengths.size;
    const avg = docs > 0 ? this.#totalLength / docs : 0;
    const out = new Map<number, number>();
    for (const term of new Set(ftsTerms(query))) {
      const p = this.#postings.get(term);
      if (!p) continue;
      const n = p.slots.length;
      const idf = Math.log(1 + (docs - n + 0.5) / (n + 0.5));
      p.slots.forEach((slot, i) => {
        const tf = p.tfs[i] as number;
        const norm = K1 * (1 - B + (B * (this.#lengths.get(slot) as number)) / (avg || 1));
        out.set(slot, (out.get(slot) ?? 0) + (idf * tf * (K1 + 1)) / (tf + norm));
      });
    }
    return out;
  }
}
