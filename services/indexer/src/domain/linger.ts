/** The longest a chunk commit waits for more articles, however slow embedding is. */
export const MAX_LINGER_MS = 500;
/** Below this (half an article's embedding time), embedding counts as fast: the floor applies. */
const SLOW_HALF_MS = 100;

/**
 * How long a chunk commit waits after its first article's chunks, so that articles finishing close
 * together share it: the configured floor while embedding is fast (an article in under 200 ms, its
 * wait for an embedding thread included), else half as long as an article's embedding recently
 * took, up to MAX_LINGER_MS. With a slow embedder articles queue for seconds and a commit that waits
 * 500 ms delays none of them, while LanceDB makes a third as many commits (each a new version, a
 * fragment and a merge against the table's ids); with a fast one (the hashing embedder: 20+
 * articles/s) longer waits cost throughput, so the floor stays.
 */
export class AdaptiveLinger {
  #recentMs = 0;

  constructor(private readonly floorMs: number) {}

  /** An article's chunks took `ms` to embed. */
  observe(ms: number): void {
    this.#recentMs = this.#recentMs === 0 ? ms : 0.8 * this.#recentMs + 0.2 * ms;
  }

  get ms(): number {
    const half = this.#recentMs / 2;
    if (half < SLOW_HALF_MS) return this.floorMs;
    return Math.max(this.floorMs, Math.min(MAX_LINGER_MS, half));
  }
}
