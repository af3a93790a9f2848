import type { Filter, VectorRecord, VectorStore } from "@lumina/vectors";

/**
 * Every write to the vector store from the indexer goes through here. Group commit: upserts that arrive while a write is in flight are combined
 * into the next single write, so N articles handled concurrently cost about one store commit, not N.
 * `lingerMs` holds a commit back that long after its first record arrived, so that articles finishing
 * close together share it: a LanceDB commit costs about the same for 15 rows as for 200.
 * Each caller's promise resolves once its own records are durable (or rejects with that write's error).
 */
export class GroupCommitWriter {
  readonly #pending = new Map<string, { records: VectorRecord[]; waiters: Waiter[] }>();
  #inFlight: Promise<void> | undefined;
  /** When the oldest record waiting for a commit arrived. */
  #oldest = 0;

  constructor(
    private readonly store: VectorStore,
    /** ms, or what to ask each time (AdaptiveLinger). */
    private readonly lingerMs: number | (() => number) = 0,
    /** Called after each commit to a collection (its upkeep counts writes). */
    private readonly onCommit: (collection: string) => void = () => {},
  ) {}

  /**
   * Runs `fn` (store housekeeping) with no write in flight; writes that arrive meanwhile wait for it.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#inFlight) await this.#inFlight;
    let release = () => {};
    this.#inFlight = new Promise<void>((r) => {
      release = r;
    });
    try {
      return await fn();
    } finally {
      this.#inFlight = undefined;
      release();
      if (this.#pending.size > 0) this.#inFlight = this.#drain();
    }
  }

  /** A delete, in turn with the writes and housekeeping (never beside a commit in flight). */
  async delete(collection: string, filter: Filter): Promise<void> {
    await this.exclusive(() => this.store.delete(collection, filter));
    this.onCommit(collection);
  }

  upsert(collection: string, records: VectorRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#oldest = performance.now();
      const batch = this.#pending.get(collection) ?? { records: [], waiters: [] };
      batch.records.push(...records);
      batch.waiters.push({ resolve, reject });
      this.#pending.set(collection, batch);
      this.#inFlight ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    // Let handlers that are about to write join this batch.
    await new Promise((r) => setImmediate(r));
    while (this.#pending.size > 0) {
      const linger = typeof this.lingerMs === "number" ? this.lingerMs : this.lingerMs();
      const wait = this.#oldest + linger - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const batches = [...this.#pending];
      this.#pending.clear();
      for (const [collection, batch] of batches) {
        try {
          // The same id twice in one write would be ambiguous: the later record wins, as in sequence.
          const unique = [...new Map(batch.records.map((r) => [r.id, r])).values()];
          await this.store.upsert(collection, unique);
          for (const w of batch.waiters) w.resolve();
          this.onCommit(collection);
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
        }
      }
    }
    this.#inFlight = undefined;
  }
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export { KeyedLock } from "@lumina/runtime";
