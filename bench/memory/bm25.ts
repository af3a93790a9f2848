import { terms } from "@lumina/text";

/** Okapi BM25 (k1 1.2, b 0.75) over one user's messages: the baseline bench/memory compares with. */
export class Bm25 {
  readonly #docs: { id: string; tf: Map<string, number>; length: number }[] = [];
  readonly #df = new Map<string, number>();

  add(id: string, text: string): void {
    const words = terms(text);
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const w of tf.keys()) this.#df.set(w, (this.#df.get(w) ?? 0) + 1);
    this.#docs.push({ id, tf, length: words.length });
  }

  search(query: string, k: number): string[] {
    const n = this.#docs.length;
    const avg = this.#docs.reduce((s, d) => s + d.length, 0) / Math.max(1, n);
    const q = [...new Set(terms(query))];
    return this.#docs
      .map((d) => {
        let score = 0;
        for (const w of q) {
          const f = d.tf.get(w) ?? 0;
          if (f === 0) continue;
          const df = this.#df.get(w) ?? 0;
          const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          score += (idf * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.length) / avg));
        }
        return { id: d.id, score };
      })
      .filter((d) => d.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map((d) => d.id);
  }
}
