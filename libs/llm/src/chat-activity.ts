/**
 * Whether people are chatting: a chat request is in progress, or one ended less than `quietMs` ago.
 * The rag-worker wraps every chat request in `during()`; the model refuses background work while `busy`,
 * including the moments of a request spent on retrieval before any token is generated.
 */
export class ChatActivity {
  #active = 0;
  #lastEnd = 0;

  constructor(private readonly quietMs: number) {}

  async during<T>(fn: () => Promise<T>): Promise<T> {
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#lastEnd = Date.now();
    }
  }

  get busy(): boolean {
    return this.#active > 0 || Date.now() - this.#lastEnd < this.quietMs;
  }
}
