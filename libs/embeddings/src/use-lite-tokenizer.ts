/** A vocabulary as USE-lite ships it: [piece, log-probability score], in id order. */
export type Vocabulary = ReadonlyArray<readonly [string, number]>;

/** The SentencePiece word boundary: a space, and the start of the text. */
const SEPARATOR = "\u2581";
/** The ids below this are reserved symbols (padding, unknown, …) that never match text. */
const RESERVED = 6;
const UNKNOWN = 0;

/**
 * USE-lite's SentencePiece tokenizer (unigram model, Viterbi over the vocabulary's pieces), giving the
 * ids @energetic-ai/embeddings' `Tokenizer.encode` gives, token for token, without its garbage: that
 * one copies the rest of the text for every character (`symbols.slice(i)`, quadratic) and builds an
 * object per candidate piece — 62% of the 3.5 MB allocated per embedded chunk, collected by V8's
 * helper threads (docs/benchmarks.md). Here a trie keyed by code point is built once, the text is
 * walked in place, and the best segmentation is kept in two typed arrays as the walk goes.
 *
 * Faithful to the library's quirks, since the model was run with them: a character no piece starts
 * with is an unknown (id 0, score 0) and a run of unknowns is one token; ties go to the later piece;
 * a position whose best score is exactly 0 counts as unreached; and the walk back from the end steps
 * by each piece's length in UTF-16 units (the unknown symbol's own name for an unknown).
 */
export class UseLiteTokenizer {
  /** Per trie node: its children, by code point. Node 0 is the root. */
  readonly #children: Map<number, number>[] = [new Map()];
  /** Per trie node: the id of the piece ending there, or -1. */
  readonly #pieceId: number[] = [-1];
  /** Per piece id: its score, and its length in UTF-16 units. */
  readonly #score: Float64Array;
  readonly #length: Int32Array;

  constructor(vocabulary: Vocabulary) {
    this.#score = new Float64Array(vocabulary.length);
    this.#length = new Int32Array(vocabulary.length);
    vocabulary.forEach(([piece, score], id) => {
      this.#length[id] = piece.length;
      this.#score[id] = score;
      if (id >= RESERVED) this.#insert(piece, id);
    });
  }

  #insert(piece: string, id: number): void {
    let node = 0;
    for (const symbol of piece) {
      const code = symbol.codePointAt(0) as number;
      let child = this.#children[node]?.get(code);
      if (child === undefined) {
        child = this.#children.length;
        this.#children.push(new Map());
        this.#pieceId.push(-1);
        this.#children[node]?.set(code, child);
      }
      node = child;
    }
    if (node !== 0) this.#pieceId[node] = id; // a later duplicate piece wins, as in the library
  }

  encode(text: string): number[] {
    const normalized = text.normalize("NFKC");
    if (normalized.length === 0) return [];
    const codes: number[] = [];
    for (const symbol of SEPARATOR + normalized.replace(/ /g, SEPARATOR))
      codes.push(symbol.codePointAt(0) as number);
    const n = codes.length;
    const best = new Float64Array(n + 1); // best score of a segmentation of the first i symbols
    const last = new Int32Array(n + 1); // id of the last piece of that segmentation
    const relax = (end: number, score: number, id: number) => {
      if (best[end] === 0 || score >= (best[end] as number)) {
        best[end] = score;
        last[end] = id;
      }
    };
    for (let start = 0; start < n; start++) {
      const base = best[start] as number;
      let matched = false;
      let node = this.#children[0]?.get(codes[start] as number);
      for (let end = start + 1; node !== undefined; end++) {
        const id = this.#pieceId[node] as number;
        if (id >= 0) {
          relax(end, (this.#score[id] as number) + base, id);
          matched = true;
        }
        node = end < n ? this.#children[node]?.get(codes[end] as number) : undefined;
      }
      if (!matched) relax(start + 1, base, UNKNOWN);
    }
    return this.#walkBack(last, n);
  }

  /** The ids from the end back to the start, a run of unknowns as one, in reading order. */
  #walkBack(last: Int32Array, n: number): number[] {
    const ids: number[] = [];
    for (let at = n; at > 0; at -= this.#length[last[at] as number] as number) {
      const id = last[at] as number;
      if (!(id === UNKNOWN && ids[ids.length - 1] === UNKNOWN)) ids.push(id);
    }
    return ids.reverse();
  }
}
