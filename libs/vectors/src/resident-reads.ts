import type {
  CollectionSpec,
  Filter,
  Hit,
  MaintainOptions,
  VectorQuery,
  VectorRecord,
  VectorStore,
} from "./port.ts";
import { ResidentCopy, type RowSource } from "./resident-copy.ts";

export interface ResidentOptions {
  /** Collections held in memory. */
  collections: string[];
  /** A collection with more records is queried in the store (0: none is held). */
  maxRows: number;
  /**
   * Whether full-text queries are answered from memory too: only where the store's full-text index
   * uses LanceDB's default analysis, which resident-bm25.ts reproduces.
   */
  fullText: boolean;
  /** A query after this long without queries waits for the copy to be brought up to date. */
  syncMs: number;
  /** How often the timer syncs the copies (default `syncMs / 2`). */
  timerMs?: number;
  /** Told when a sync fails (queries then go to the store until a sync succeeds). */
  onError?: (err: unknown, collection: string) => void;
}

/**
 * A reader's store with some collections held in memory: their dense and full-text queries are
 * answered from a ResidentCopy (computed in this thread, no store query); everything else goes to the
 * store. A timer brings each copy to the store's latest version every `syncMs / 2`, reading only what
 * changed; a query that comes after a pause of `syncMs` or more without queries waits for such a sync
 * first, and writes made through this object are seen at once. So what was written before a question
 * is in its answer, unless the question is part of a stream of queries — then the copy is at most
 * `syncMs / 2` and one sync behind, about what a LanceDB reader with a read-consistency interval of
 * `syncMs` gives, and no query waits for the store. Until a copy has loaded, and for a collection
 * past `maxRows`, queries go to the store.
 * The rag-worker holds `chunks` this way: a chat question then waits for no LanceDB query.
 */
export class ResidentReads implements VectorStore {
  readonly kind: string;
  readonly #copies = new Map<string, Held>();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: VectorStore & RowSource,
    private readonly options: ResidentOptions,
  ) {
    this.kind = store.kind;
    if (options.maxRows <= 0) return;
    for (const name of options.collections)
      this.#copies.set(name, { copy: new ResidentCopy(name, store), ready: false, queried: -Infinity });
    this.#timer = setInterval(() => void this.syncAll(), options.timerMs ?? options.syncMs / 2);
    this.#timer.unref();
    void this.syncAll();
  }

  /** Brings every copy up to date (what the timer does); resolves when they are. */
  async syncAll(): Promise<void> {
    await Promise.all([...this.#copies.keys()].map((name) => this.#sync(name)));
  }

  /** Records held in memory per collection (0 for one queried in the store). */
  held(): Record<string, number> {
    return Object.fromEntries([...this.#copies].map(([name, c]) => [name, c.ready ? c.copy.size : 0]));
  }

  async query(collection: string, q: VectorQuery): Promise<Hit[]> {
    const held = this.#copies.get(collection);
    if (held) {
      // After a pause, the copy is brought up to date first; in a stream of queries the timer keeps it.
      const paused = performance.now() - held.queried >= this.options.syncMs;
      held.queried = performance.now();
      if (paused) await this.#sync(collection);
    }
    if (!held?.ready) return this.store.query(collection, q);
    const { copy } = held;
    if (q.mode === "dense" && q.vector)
      return copy.nearest(q.vector, q.limit, q.filter).map((h) => pick(h, q.fields));
    if (q.mode === "sparse" && q.text && this.options.fullText)
      return copy.matching(q.text, q.limit, q.filter).map((h) => pick(h, q.fields));
    return this.store.query(collection, q);
  }

  async upsert(collection: string, records: VectorRecord[]): Promise<void> {
    await this.store.upsert(collection, records);
    await this.#sync(collection);
  }

  async delete(collection: string, filter: Filter): Promise<void> {
    await this.store.delete(collection, filter);
    await this.#sync(collection);
  }

  async dropCollection(name: string): Promise<void> {
    await this.store.dropCollection(name);
    await this.#sync(name);
  }

  ensureCollection(spec: CollectionSpec): Promise<void> {
    return this.store.ensureCollection(spec);
  }

  count(collection: string, filter?: Filter): Promise<number> {
    return this.store.count(collection, filter);
  }

  get(collection: string, ids: string[]): Promise<Hit[]> {
    return this.store.get(collection, ids);
  }

  maintain(collection: string, options?: MaintainOptions): Promise<string> {
    return this.store.maintain ? this.store.maintain(collection, options) : Promise.resolve("");
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#copies.values()].map((c) => c.syncing));
    await this.store.close();
  }

  /** One sync of a copy at a time; a call while one runs waits for it and then runs again. */
  async #sync(name: string): Promise<void> {
    const held = this.#copies.get(name);
    if (!held) return;
    while (held.syncing) await held.syncing;
    held.syncing = held.copy.sync(this.options.maxRows).then(
      (fits) => void (held.ready = fits),
      (err: unknown) => {
        held.ready = false; // not known to be current: the store answers
        this.options.onError?.(err, name);
      },
    );
    await held.syncing;
    held.syncing = undefined;
  }
}

interface Held {
  copy: ResidentCopy;
  /** Whether queries may be answered from the copy (loaded, and not past maxRows). */
  ready: boolean;
  /** When the last query came. */
  queried: number;
  syncing?: Promise<void> | undefined;
}

/** A held hit with only the fields a query asked for (as the store would answer it). */
function pick(hit: Hit, fields: string[] | undefined): Hit {
  if (!fields) return hit;
  const payload = Object.fromEntries(Object.entries(hit.payload).filter(([k]) => fields.includes(k)));
  return { ...hit, text: fields.includes("text") ? hit.text : "", payload };
}
