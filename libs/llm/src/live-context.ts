import type { LlamaContext, LlamaContextSequence } from "node-llama-cpp";
import type { AdapterInfo, LlmBusyError, Priority } from "./port.ts";
import { SlotPool, type SlotPoolLimits } from "./slot-pool.ts";

/**
 * One llama.cpp context (with or without a LoRA adapter) and its sequences, counting the requests
 * that use it so that a replaced context is freed only once they are done.
 */
export class LiveContext {
  readonly #pool: SlotPool<LlamaContextSequence>;
  #active = 0;
  #idle: (() => void) | undefined;

  constructor(
    readonly context: LlamaContext,
    readonly adapter: AdapterInfo | undefined,
    sequences: number,
    limits: SlotPoolLimits,
  ) {
    this.#pool = new SlotPool(
      Array.from({ length: sequences }, () => context.getSequence()),
      limits,
    );
  }

  /** A chat request waits for one of this context's sequences. */
  get chatWaiting(): boolean {
    return this.#pool.chatWaiting;
  }

  /** The refusal a request of `priority` would get now, if any. */
  refusal(priority: Priority): LlmBusyError | undefined {
    return this.#pool.refusal(priority);
  }

  /** Runs `fn` on one of this context's sequences (chat requests first); counts it until it ends. */
  async use<T>(priority: Priority, fn: (sequence: LlamaContextSequence) => Promise<T>): Promise<T> {
    this.#active++;
    try {
      const sequence = await this.#pool.acquire(priority);
      try {
        return await fn(sequence);
      } finally {
        this.#pool.release(sequence);
      }
    } finally {
      if (--this.#active === 0) this.#idle?.();
    }
  }

  /** Waits until no request uses this context, then disposes of it. */
  async drainAndDispose(): Promise<void> {
    if (this.#active > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await this.context.dispose();
  }
}
