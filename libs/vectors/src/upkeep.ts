import type { VectorStore } from "./port.ts";

export interface UpkeepOptions {
  /** Upkeep after this many writes (each LanceDB write adds a fragment and a version). */
  everyWrites: number;
  /** Table versions older than this are pruned (the current one never is). */
  keepVersionsMs: number;
  /**
   * Runs `fn` with no write to the collection in flight, when the owner serialises its writes itself
   * (the indexer's group commit). Without it, writes go through `write()`, which serialises them.
   */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** What the store did (compacted, pruned, indexed), for the log. */
  onDone?: (did: string) => void;
  onError?: (err: unknown) => void;
}

/**
 * Upkeeps after the last one, to prune: the first compacts what the last left (if it left more than
 * one fragment) and so rewrites it once more; the second has nothing to rewrite and only prunes.
 */
const TRAILING_PRUNES = 2;

/**
 * Upkeep of one collection by its owner, the one service that writes it: after every `everyWrites`
 * writes, compaction, index refresh and pruning of old versions (VectorStore.maintain), in the
 * background. Queries never wait for it; writes wait only while it runs. A store without `maintain`
 * (Qdrant) needs none of this, and then it does nothing.
 *
 * On disk, LanceDB compaction rewrites a small table whole, and a pruned version's files go only once
 * it is older than `keepVersionsMs`. So upkeeps start at least `keepVersionsMs` apart (writes go on
 * counting meanwhile), which keeps at most one superseded copy of the data beside the live one, and
 * once writes stop, two more run `keepVersionsMs` apart, to prune what the last had to keep.
 */
export class CollectionUpkeep {
  #writes = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #running: Promise<void> | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #timerTrailing = false;
  /** Prunes still to run after the last upkeep (the first may compact what it left; the second not). */
  #trailingLeft = 0;
  #stopped = false;

  constructor(
    private readonly store: VectorStore,
    readonly collection: string,
    private readonly o: UpkeepOptions,
  ) {}

  /** Runs a write to the collection, never beside its upkeep, and counts it. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    const result = await this.#serial(fn);
    this.wrote();
    return result;
  }

  /** Counts a write made elsewhere (serialised by `exclusive`); starts upkeep every `everyWrites`. */
  wrote(): void {
    this.#writes++;
    if (this.#writes >= this.o.everyWrites) this.#startOrDefer();
  }

  /** Upkeep now if anything was written since the last (a timer's fallback for slow writers). */
  async runIfWritten(): Promise<void> {
    if (this.#writes > 0) this.#start();
    await this.#settled();
  }

  /** Waits for an upkeep in progress; no more are started by timer. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#settled();
  }

  /** Until no upkeep runs (one that ends may start the next that was due). */
  async #settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Now, or once `keepVersionsMs` has passed since the last upkeep started. */
  #startOrDefer(): void {
    const wait = this.#lastStart + this.o.keepVersionsMs - Date.now();
    if (wait <= 0) this.#start();
    else this.#later(wait);
  }

  /** `#start` after `ms`, unless one is already due; `trailing`: the prune after the last upkeep. */
  #later(ms: number, trailing = false): void {
    if (this.#stopped || (this.#timer && (trailing || !this.#timerTrailing))) return;
    clearTimeout(this.#timer); // a trailing prune gives way to an upkeep that is due
    this.#timerTrailing = trailing;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#start(trailing);
    }, ms);
    this.#timer.unref();
  }

  #start(trailing = false): void {
    const maintain = this.store.maintain?.bind(this.store);
    if (!maintain || this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writes = 0;
    this.#lastStart = Date.now();
    this.#trailingLeft = trailing ? this.#trailingLeft - 1 : TRAILING_PRUNES;
    const run = () => maintain(this.collection, { keepVersionsMs: this.o.keepVersionsMs });
    this.#running = (this.o.exclusive ? this.o.exclusive(run) : this.#serial(run))
      .then(
        (did) => this.o.onDone?.(did),
        (err: unknown) => this.o.onError?.(err),
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#stopped) return;
        if (this.#writes >= this.o.everyWrites) this.#startOrDefer();
        // The versions this upkeep had to keep (younger than keepVersionsMs) go at the next.
        else if (this.#trailingLeft > 0 && this.o.keepVersionsMs > 0)
          this.#later(this.o.keepVersionsMs + 1000, true);
      });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
