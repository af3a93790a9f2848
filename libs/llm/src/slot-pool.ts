import { LlmBusyError, type Priority } from "./port.ts";

interface Waiter<T> {
  priority: Priority;
  resolve: (slot: T) => void;
}

/**
 * A fixed set of slots (context sequences) handed out one request at a time. Waiting "chat" requests
 * get a freed slot before waiting "background" ones; at most `maxQueue` wait, the next gets LlmBusyError.
 */
export class SlotPool<T> {
  readonly #free: T[];
  readonly #waiting: Waiter<T>[] = [];

  constructor(
    slots: T[],
    private readonly maxQueue: number,
  ) {
    this.#free = [...slots];
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** A chat request is waiting for a slot: running background work should give its slot up. */
  get chatWaiting(): boolean {
    return this.#waiting.some((w) => w.priority === "chat");
  }

  acquire(priority: Priority): Promise<T> {
    const slot = this.#free.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    if (this.#waiting.length >= this.maxQueue) throw new LlmBusyError(this.#waiting.length);
    return new Promise((resolve) => {
      const waiter = { priority, resolve };
      // Chat waiters go ahead of every background waiter, behind earlier chat waiters.
      const at = priority === "chat" ? this.#waiting.findIndex((w) => w.priority === "background") : -1;
      if (at === -1) this.#waiting.push(waiter);
      else this.#waiting.splice(at, 0, waiter);
    });
  }

  release(slot: T): void {
    const next = this.#waiting.shift();
    if (next) next.resolve(slot);
    else this.#free.push(slot);
  }
}
