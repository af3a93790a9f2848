import { describe, expect, it } from "vitest";
import { LlmBusyError } from "../src/port.ts";
import { SlotPool } from "../src/slot-pool.ts";

/** A pool on a clock the test moves. */
function poolWith(slots: string[], limits: { maxQueue: number; maxWaitMs?: number }) {
  let t = 0;
  const pool = new SlotPool(slots, limits, () => t);
  return { pool, advance: (ms: number) => (t += ms) };
}

describe("SlotPool", () => {
  it("refuses a request past maxQueue waiters", async () => {
    const { pool } = poolWith(["a"], { maxQueue: 1 });
    expect(pool.refusal("chat")).toBeUndefined();
    await pool.acquire("chat");
    void pool.acquire("chat"); // waits
    expect(pool.refusal("chat")).toBeInstanceOf(LlmBusyError); // what a caller can check first
    expect(() => pool.acquire("chat")).toThrow(LlmBusyError);
  });

  it("refuses at once a request expected to wait past maxWaitMs, from how long slots were held", async () => {
    const { pool, advance } = poolWith(["a"], { maxQueue: 100, maxWaitMs: 250 });
    // Until a slot was held once, the wait cannot be estimated: as many may wait as there are slots.
    const first = await pool.acquire("chat");
    expect(pool.expectedWaitMs("chat")).toBeUndefined();
    const early = pool.acquire("chat");
    expect(() => pool.acquire("chat")).toThrow(LlmBusyError);
    advance(100);
    pool.release(first); // held 100 ms
    const second = await early;
    advance(100);
    pool.release(second); // held 100 ms

    const held = await pool.acquire("chat");
    expect(pool.expectedWaitMs("chat")).toBe(100);
    const next = pool.acquire("chat"); // expected to wait 100 ms
    const after = pool.acquire("chat"); // 200 ms
    let refused: unknown;
    try {
      await pool.acquire("chat"); // 300 ms > 250
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(LlmBusyError);
    expect((refused as LlmBusyError).retryAfterSeconds).toBe(1);
    expect(pool.queued).toBe(2);
    pool.release(held);
    pool.release(await next);
    pool.release(await after);
  });

  it("counts only chat requests ahead of a chat request (they go first)", async () => {
    const { pool, advance } = poolWith(["a"], { maxQueue: 100, maxWaitMs: 150 });
    const slot = await pool.acquire("chat");
    advance(100);
    pool.release(slot);
    const held = await pool.acquire("background");
    const background = pool.acquire("background"); // expected to wait 100 ms
    expect(() => pool.acquire("background")).toThrow(LlmBusyError); // 200 ms behind it
    const chat = pool.acquire("chat"); // goes ahead of the waiting background request: 100 ms
    pool.release(held);
    expect(await chat).toBe("a");
    pool.release("a");
    pool.release(await background);
  });
});
