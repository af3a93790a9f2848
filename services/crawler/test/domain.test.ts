import { describe, expect, it } from "vitest";
import { scoreToPrio, toJobPriority } from "../src/domain/priority.ts";
import { decodeSeen, encodeSeen, isFresh, isUnchanged } from "../src/domain/recrawl.ts";

describe("crawl priority", () => {
  it("maps prio (higher sooner) onto BullMQ priority (1 first)", () => {
    expect(toJobPriority(1000)).toBe(1);
    expect(toJobPriority(0)).toBe(1001);
    expect(toJobPriority(undefined)).toBe(1001);
    expect(toJobPriority(-1000)).toBe(2001);
    expect(toJobPriority(5000)).toBe(1);
    expect(toJobPriority(2)).toBeLessThan(toJobPriority(1));
  });

  it("treats lower ZSET scores as sooner, like ZPOPMIN", () => {
    expect(toJobPriority(scoreToPrio(-5))).toBeLessThan(toJobPriority(scoreToPrio(0)));
    expect(scoreToPrio(0)).toBe(0);
  });
});

describe("recrawl rules", () => {
  const day = 86_400_000;
  it("round-trips what it remembers and ignores garbage", () => {
    expect(decodeSeen(encodeSeen({ revision: 42, fetchedAt: 1000 }))).toEqual({
      revision: 42,
      fetchedAt: 1000,
    });
    expect(decodeSeen("nonsense")).toBeUndefined();
    expect(decodeSeen(null)).toBeUndefined();
  });

  it("skips an article read within RECRAWL_DAYS and fetches an older one", () => {
    const seen = { revision: 1, fetchedAt: 10 * day };
    expect(isFresh(seen, 16 * day, 7)).toBe(true);
    expect(isFresh(seen, 17 * day + 1, 7)).toBe(false);
    expect(isFresh(undefined, 0, 7)).toBe(false);
    expect(isFresh(seen, 10 * day + 1, 0)).toBe(false);
  });

  it("publishes only a changed revision", () => {
    expect(isUnchanged({ revision: 5, fetchedAt: 0 }, 5)).toBe(true);
    expect(isUnchanged({ revision: 5, fetchedAt: 0 }, 6)).toBe(false);
    expect(isUnchanged(undefined, 5)).toBe(false);
  });
});
