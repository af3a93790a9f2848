import { describe, expect, it } from "vitest";
import { crawlNow } from "../src/domain/decide.ts";

describe("minimal planner: which gaps are crawled at once", () => {
  it("crawls unanswered questions and manual requests at once", () => {
    for (const reason of ["low_confidence", "unknown", "manual"] as const)
      expect(crawlNow({ reason, read: false, missing: false })).toBe(true);
  });
  it("keeps the indexer's own gaps for the prioritising planner", () => {
    for (const reason of ["dangling", "sparse"] as const)
      expect(crawlNow({ reason, read: false, missing: false })).toBe(false);
  });
  it("never asks again for a title already read or known not to exist", () => {
    expect(crawlNow({ reason: "unknown", read: true, missing: false })).toBe(false);
    expect(crawlNow({ reason: "unknown", read: false, missing: true })).toBe(false);
  });
});
