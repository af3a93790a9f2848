import type { Filter, Hit, VectorRecord } from "./port.ts";
import { Bm25Index } from "./resident-bm25.ts";

/** What a resident copy reads from the store it mirrors (LanceDbStore implements it). */
export interface RowSource {
  /** The collection's latest version (not a cached view of it), undefined while it does not exist. */
  version(collection: string): Promise<number | undefined>;
  count(collection: string): Promise<number>;
  /** Every record's id. */
  ids(collection: string): Promise<string[]>;
  /** The records with these ids, vectors included. */
  records(collection: string, ids: string[]): Promise<VectorRecord[]>;
}

/** Records fetched per request while a copy catches up. */
const FETCH_BATCH = 500;

/**
 * One collection held in memory: unit vectors in one Float32Array, payloads and texts beside them and
 * an inverted index of the texts, so that a dense query is a scan in this thread instead of a store
 * query (exact cosine, the same answer as LanceDB's scan below its ANN index) and a full-text query
 * is scored here as LanceDB scores it (resident-bm25.ts). Kept current by `sync`, which reads only
 * what changed: the ids present, then the records of the new ones. A record's id fixes its content
 * (chunk ids hash the page, revision and chunk index), so an id already held is not read again.
 */
export class ResidentCopy {
  #dimension = 0;
  #vectors = new Float32Array(0);
  /** Slot → the hit it answers with (score filled in per query); undefined: a free slot. */
  #hits: (Hit | undefined)[] = [];
  readonly #slotOf = new Map<string, number>();
  readonly #free: number[] = [];
  #version: number | undefined;
  #bm25 = new Bm25Index();

  constructor(
    readonly collection: string,
    private readonly source: RowSource,
  ) {}

  get size(): number {
    return this.#slotOf.size;
  }

  /**
   * Brings the copy to the store's current version. Returns false when the collection holds more than
   * `maxRows` records: the copy is then emptied, and queries go to the store.
   */
  async sync(maxRows: number): Promise<boolean> {
    const version = await this.source.version(this.collection);
    if (version === undefined) {
      this.#clear();
      return true;
    }
    if (version === this.#version) return true;
    // A table dropped and built again (`lumina reindex`, perhaps with other chunk sizes) starts its
    // versions over, and its ids may now hold other texts: read it all again.
    const rebuilt = this.#version !== undefined && version < this.#version;
    if ((await this.source.count(this.collection)) > maxRows) {
      this.#clear();
      return false;
    }
    const present = new Set(await this.source.ids(this.collection));
    const added = [...present].filter((id) => rebuilt || !this.#slotOf.has(id));
    const fetched: VectorRecord[] = [];
    for (let i = 0; i < added.length; i += FETCH_BATCH)
      fetched.push(...(await this.source.records(this.collection, added.slice(i, i + FETCH_BATCH))));
    // Applied in one go: a query never sees an article's old chunks gone and its new ones not yet in.
    if (rebuilt) this.#clear();
    for (const id of [...this.#slotOf.keys()]) if (!present.has(id)) this.#remove(id);
    for (const record of fetched) this.put(record);
    this.#version = version;
    return true;
  }

  /** Holds `record` (replacing the one with its id). */
  put(record: VectorRecord): void {
    if (this.#dimension === 0) this.#dimension = record.vector.length;
    if (record.vector.length !== this.#dimension) return; // a collection never mixes dimensions
    const held = this.#slotOf.get(record.id);
    if (held !== undefined) this.#bm25.remove(held, (this.#hits[held] as Hit).text);
    const slot = held ?? this.#freeSlot();
    this.#slotOf.set(record.id, slot);
    this.#hits[slot] = { id: record.id, score: 0, text: record.text, payload: record.payload };
    this.#bm25.add(slot, record.text);
    this.#vectors.set(unit(record.vector), slot * this.#dimension);
  }

  /** The `limit` records closest to `vector` by cosine similarity among those matching `filter`. */
  nearest(vector: number[], limit: number, filter?: Filter): Hit[] {
    const dim = this.#dimension;
    if (dim === 0 || vector.length !== dim || limit <= 0) return [];
    const q = unit(vector);
    const best = new TopK(limit);
    const accepts = filter ? predicate(filter) : undefined;
    for (let slot = 0; slot < this.#hits.length; slot++) {
      const hit = this.#hits[slot];
      if (!hit || (accepts && !accepts(hit))) continue;
      let dot = 0;
      for (let d = 0, o = slot * dim; d < dim; d++)
        dot += (q[d] as number) * (this.#vectors[o + d] as number);
      best.offer(slot, dot);
    }
    return this.#answer(best);
  }

  /** The `limit` records whose text best matches `text` by BM25 among those matching `filter`. */
  matching(text: string, limit: number, filter?: Filter): Hit[] {
    const best = new TopK(limit);
    const accepts = filter ? predicate(filter) : undefined;
    this.#bm25.score(text, (slot, score) => {
      const hit = this.#hits[slot];
      if (hit && (!accepts || accepts(hit))) best.offer(slot, score);
    });
    return this.#answer(best);
  }

  #answer(best: TopK): Hit[] {
    return best.entries.map(({ slot, score }) => ({ ...(this.#hits[slot] as Hit), score }));
  }

  #freeSlot(): number {
    const slot = this.#free.pop() ?? this.#hits.length;
    if (slot === this.#hits.length) this.#hits.push(undefined);
    const needed = this.#hits.length * this.#dimension;
    if (needed > this.#vectors.length) {
      const grown = new Float32Array(Math.max(needed, this.#vectors.length * 2));
      grown.set(this.#vectors);
      this.#vectors = grown;
    }
    return slot;
  }

  #remove(id: string): void {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return;
    this.#slotOf.delete(id);
    this.#bm25.remove(slot, (this.#hits[slot] as Hit).text);
    this.#hits[slot] = undefined;
    this.#free.push(slot);
  }

  #clear(): void {
    this.#slotOf.clear();
    this.#hits = [];
    this.#free.length = 0;
    this.#vectors = new Float32Array(0);
    this.#dimension = 0;
    this.#version = undefined;
    this.#bm25 = new Bm25Index();
  }
}

/** The best `limit` (slot, score) pairs offered, best first. */
class TopK {
  readonly entries: { slot: number; score: number }[] = [];
  constructor(private readonly limit: number) {}

  offer(slot: number, score: number): void {
    const { entries, limit } = this;
    if (limit <= 0 || (entries.length === limit && score <= (entries[limit - 1]?.score ?? -Infinity))) return;
    let at = entries.length;
    while (at > 0 && (entries[at - 1]?.score ?? Infinity) < score) at--;
    entries.splice(at, 0, { slot, score });
    if (entries.length > limit) entries.pop();
  }
}

/**
 * Whether a record's payload satisfies every condition of the port's filter, as a function made
 * once per query: a scan calls it for every record.
 */
function predicate(filter: Filter): (hit: Hit) => boolean {
  const conditions = Object.entries(filter);
  return (hit) =>
    conditions.every(([field, cond]) => {
      const value = field === "id" ? hit.id : field === "text" ? hit.text : hit.payload[field];
      if (typeof cond !== "object") return value === cond;
      if ("gte" in cond) return typeof value === "number" && value >= cond.gte;
      return value !== cond.not;
    });
}

/** `vector` scaled to length 1 (left as it is when it is all zeros). */
function unit(vector: number[]): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) / norm;
  return out;
}
