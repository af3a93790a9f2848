import { describe, expect, it } from "vitest";
import { crawlNow } from "../src/domain/decide.ts";
import { crawlsToSend, pickBest } from "../src/domain/plan.ts";
import { noveltyTerm, pagerankTerm, priority, priorityTerms, recencyTerm } from "../src/domain/priority.ts";

describe("which gaps are crawled at once", () => {
  it("crawls unanswered questions and manual requests at once", () => {
    for (const reason of ["low_confidence", "unknown", "manual"] as const)
      expect(crawlNow({ reason, settled: false })).toBe(true);
  });
  it("keeps the indexer's own gaps for the planning rounds", () => {
    for (const reason of ["dangling", "sparse"] as const)
      expect(crawlNow({ reason, settled: false })).toBe(false);
  });
  it("never asks again for a title already read or known not to exist", () => {
    expect(crawlNow({ reason: "unknown", settled: true })).toBe(false);
  });
});

describe("priority = PageRank × novelty × recency × relevance", () => {
  it("uses a read article's own rank", () => {
    expect(pagerankTerm({ rank: 0.3, inLinks: [{ rank: 0.9, outDegree: 1 }], nodes: 5 })).toBe(0.3);
  });
  it("gives an unread title the rank flowing in from the read articles that link to it", () => {
    const term = pagerankTerm({
      rank: undefined,
      inLinks: [
        { rank: 0.5, outDegree: 5 },
        { rank: 0.2, outDegree: 2 },
      ],
      nodes: 10,
    });
    expect(term).toBeCloseTo(0.1 + 0.1, 10);
  });
  it("gives a title nothing links to the uniform share", () => {
    expect(pagerankTerm({ rank: undefined, inLinks: [], nodes: 9 })).toBeCloseTo(0.1, 10);
  });
  it("lowers novelty with each crawl already sent", () => {
    expect([0, 1, 3].map(noveltyTerm)).toEqual([1, 0.5, 0.25]);
  });
  it("halves recency every half-life", () => {
    expect(recencyTerm(0, 24)).toBe(1);
    expect(recencyTerm(24 * 3_600_000, 24)).toBeCloseTo(0.5, 10);
    expect(recencyTerm(48 * 3_600_000, 24)).toBeCloseTo(0.25, 10);
  });
  it("multiplies the four terms", () => {
    const facts = {
      rank: undefined,
      inLinks: [{ rank: 0.4, outDegree: 2 }],
      nodes: 3,
      attempts: 1,
      ageMs: 3_600_000,
      relevance: 0.4,
    };
    expect(priority(facts, 1)).toBeCloseTo(0.2 * 0.5 * 0.5 * 0.4, 10);
    expect(priorityTerms(facts, 1)).toEqual({
      priority: expect.closeTo(0.02, 10),
      pagerank: expect.closeTo(0.2, 10),
      novelty: 0.5,
      recency: 0.5,
      relevance: 0.4,
    });
  });
});

describe("how many crawls a round sends", () => {
  const base = { queueMin: 20, queueMax: 40, sentInWindow: 0, budget: 600, scheduled: false };
  it("tops up to QUEUE_MAX once the queue is below the middle of the band", () => {
    expect(crawlsToSend({ ...base, depth: 29 })).toBe(11);
    expect(crawlsToSend({ ...base, depth: 0 })).toBe(40);
  });
  it("leaves a queue at or above the middle alone between scheduled rounds", () => {
    expect(crawlsToSend({ ...base, depth: 30 })).toBe(0);
    expect(crawlsToSend({ ...base, depth: 35, scheduled: true })).toBe(5);
  });
  it("never fills past QUEUE_MAX", () => {
    expect(crawlsToSend({ ...base, depth: 45, scheduled: true })).toBe(0);
  });
  it("never spends more than the budget window has left", () => {
    expect(crawlsToSend({ ...base, depth: 0, sentInWindow: 590 })).toBe(10);
    expect(crawlsToSend({ ...base, depth: 0, sentInWindow: 600 })).toBe(0);
    expect(crawlsToSend({ ...base, depth: 0, sentInWindow: 700 })).toBe(0);
  });
  it("picks the highest priorities, skipping zero, ties by candidate order", () => {
    const picked = pickBest(
      [
        { t: "a", priority: 0.1 },
        { t: "b", priority: 0.3 },
        { t: "c", priority: 0 },
        { t: "d", priority: 0.3 },
      ],
      3,
    );
    expect(picked.map((p) => p.t)).toEqual(["b", "d", "a"]);
  });
});
