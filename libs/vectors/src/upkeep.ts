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
 * Upkeep of one collection by its owner, the one service that writes it: after every `everyWrites`
 * writes, compaction, index refresh and pruning of old versions (VectorStore.maintain), in the
 * background. Queries never wait for it; writes wait only while it runs. A store without `maintain`
 * (Qdrant) needs none of this, and then it does nothing.
 */
export class CollectionUpkeep {
  #writes = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #running: Promise<void> | undefined;

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
    if (this.#writes >= this.o.everyWrites) this.#start();
  }

  /** Upkeep now if anything was written since the last (a timer's fallback for slow writers). */
  async runIfWritten(): Promise<void> {
    if (this.#writes > 0) this.#start();
    await this.#running;
  }

  /** Waits for an upkeep in progress. */
  async stop(): Promise<void> {
    await this.#running;
  }

  #start(): void {
    const maintain = this.store.maintain?.bind(this.store);
    if (!maintain || this.#running) return;
    this.#writes = 0;
    const run = () => maintain(this.collection, { keepVersionsMs: this.o.keepVersionsMs });
    this.#running = (this.o.exclusive ? this.o.exclusive(run) : this.#serial(run))
      .then(
        (did) => this.o.onDone?.(did),
        (err: unknown) => this.o.onError?.(err),
      )
      .finally(() => {
        this.#running = undefined;
      });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
