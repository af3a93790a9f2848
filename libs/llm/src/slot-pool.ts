import { LlmBusyError, type Priority } from "./port.ts";

interface Waiter<T> {
  priority: Priority;
  resolve: (slot: T) => void;
}

export interface SlotPoolLimits {
  /** Requests allowed to wait for a slot; the next gets LlmBusyError. */
  maxQueue: number;
  /**
   * A request that would wait longer than this for a slot (its place in the queue × the recent time a
   * slot is held ÷ slots) gets LlmBusyError at once instead of waiting; until a slot was released once
   * (the time unknown), at most as many requests as there are slots wait. Unset or 0: no such limit.
   */
  maxWaitMs?: number;
}

/** Weight of the newest hold time in the moving average. */
const SMOOTHING = 0.3;

/**
 * A fixed set of slots (context sequences) handed out one request at a time. Waiting "chat" requests
 * get a freed slot before waiting "background" ones; at most `maxQueue` wait, and none longer than
 * `maxWaitMs` is expected to: past either limit a request gets LlmBusyError (HTTP 503 + Retry-After).
 */
export class SlotPool<T> {
  readonly #slots: number;
  readonly #free: T[];
  readonly #waiting: Waiter<T>[] = [];
  readonly #heldSince = new Map<T, number>();
  /** Moving average of how long a slot is held, in ms; undefined until one was released. */
  #holdMs: number | undefined;

  constructor(
    slots: T[],
    private readonly limits: SlotPoolLimits,
    /** A clock in ms (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#slots = slots.length;
    this.#free = [...slots];
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** A chat request is waiting for a slot: running background work should give its slot up. */
  get chatWaiting(): boolean {
    return this.#waiting.some((w) => w.priority === "chat");
  }

  /** How long a request of `priority` arriving now is expected to wait, in ms (undefined: not known yet). */
  expectedWaitMs(priority: Priority): number | undefined {
    if (this.#free.length > 0) return 0;
    if (this.#holdMs === undefined) return undefined;
    const ahead =
      priority === "chat" ? this.#waiting.filter((w) => w.priority === "chat").length : this.queued;
    return ((ahead + 1) * this.#holdMs) / Math.max(1, this.#slots);
  }

  /** The refusal a request of `priority` arriving now would get (LlmBusyError), or undefined. */
  refusal(priority: Priority): LlmBusyError | undefined {
    if (this.#free.length > 0) return undefined;
    const retryS = Math.max(1, Math.ceil((this.#holdMs ?? 2_000) / 1000));
    if (this.#waiting.length >= this.limits.maxQueue) return new LlmBusyError(this.#waiting.length, retryS);
    if (this.limits.maxWaitMs) {
      // Before any slot was released the wait is unknown: no more wait than there are slots.
      const wait = this.expectedWaitMs(priority);
      if (wait === undefined ? this.#waiting.length >= this.#slots : wait > this.limits.maxWaitMs)
        return new LlmBusyError(this.#waiting.length, retryS);
    }
    return undefined;
  }

  acquire(priority: Priority): Promise<T> {
    const slot = this.#free.pop();
    if (slot !== undefined) return Promise.resolve(this.#hold(slot));
    const refused = this.refusal(priority);
    if (refused) throw refused;
    return new Promise((resolve) => {
      const waiter = { priority, resolve: (s: T) => resolve(this.#hold(s)) };
      // Chat waiters go ahead of every background waiter, behind earlier chat waiters.
      const at = priority === "chat" ? this.#waiting.findIndex((w) => w.priority === "background") : -1;
      if (at === -1) this.#waiting.push(waiter);
      else this.#waiting.splice(at, 0, waiter);
    });
  }

  release(slot: T): void {
    const since = this.#heldSince.get(slot);
    this.#heldSince.delete(slot);
    if (since !== undefined) {
      const held = this.now() - since;
      this.#holdMs = this.#holdMs === undefined ? held : SMOOTHING * held + (1 - SMOOTHING) * this.#holdMs;
    }
    const next = this.#waiting.shift();
    if (next) next.resolve(slot);
    else this.#free.push(slot);
  }

  #hold(slot: T): T {
    this.#heldSince.set(slot, this.now());
    return slot;
  }
}
