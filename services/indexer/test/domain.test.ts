import { describe, expect, it } from "vitest";
import { chunkId, chunkSections } from "../src/domain/chunk.ts";
import { findGaps } from "../src/domain/gaps.ts";
import { AdaptiveLinger, MAX_LINGER_MS } from "../src/domain/linger.ts";

const para = (n: number, word: string) =>
  Array.from({ length: n }, (_, i) => `${word} sentence number ${i} ends here.`).join(" ");

describe("chunkSections", () => {
  const sections = [
    { heading: "Lead", text: "Short lead." },
    { heading: "History", text: `${para(40, "History")}\n${para(5, "Later")}` },
  ];
  const chunks = chunkSections(7, 3, sections, 400, 60);

  it("gives deterministic ids from page id, revision and index", () => {
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks[0]?.id).toBe(chunkId(7, 3, 0));
    expect(chunkSections(7, 3, sections, 400, 60)).toEqual(chunks);
    expect(chunkSections(7, 4, sections, 400, 60)[0]?.id).not.toBe(chunks[0]?.id);
  });

  it("never spans two sections and keeps every chunk within the size", () => {
    expect(chunks[0]).toMatchObject({ section: "Lead", text: "Short lead." });
    expect(chunks.slice(1).every((c) => c.section === "History")).toBe(true);
    expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(400);
    expect(chunks.length).toBeGreaterThan(4);
  });

  it("overlaps neighbouring chunks and loses no sentence", () => {
    const [a, b] = [chunks[1]?.text ?? "", chunks[2]?.text ?? ""];
    const lastWords = a.split(" ").slice(-3).join(" ");
    expect(b.startsWith(lastWords) || b.includes(lastWords)).toBe(true);
    const all = chunks.map((c) => c.text).join(" ");
    for (let i = 0; i < 40; i++) expect(all).toContain(`History sentence number ${i} ends here.`);
  });

  it("cuts a sentence longer than the size at word boundaries", () => {
    const long = chunkSections(1, 1, [{ heading: "X", text: "word ".repeat(500) }], 200, 0);
    expect(long.every((c) => c.text.length <= 200)).toBe(true);
    expect(
      long
        .map((c) => c.text)
        .join(" ")
        .split(" ").length,
    ).toBe(500);
  });
});

describe("findGaps", () => {
  const links = [
    { target: "Cornwall", known: false, inDegree: 2 },
    { target: "Truro", known: false, inDegree: 1 },
    { target: "England", known: true, inDegree: 9 },
    { target: "Bodmin", known: true, inDegree: 1 },
  ];
  it("reports every unread title linked often enough, naming the article as parent", () => {
    const gaps = findGaps({ title: "Bodmin", chunkCount: 5, gapThreshold: 3, minInDegree: 1, links });
    expect(gaps).toEqual([
      { topic: "Cornwall", reason: "dangling", score: 2, parent: "Bodmin" },
      { topic: "Truro", reason: "dangling", score: 1, parent: "Bodmin" },
    ]);
    expect(findGaps({ title: "Bodmin", chunkCount: 5, gapThreshold: 3, minInDegree: 2, links })).toEqual([
      { topic: "Cornwall", reason: "dangling", score: 2, parent: "Bodmin" },
    ]);
  });
  it("makes the unread links of a sparse article sparse gaps, scored one higher, never the article", () => {
    const gaps = findGaps({ title: "Bodmin", chunkCount: 2, gapThreshold: 3, minInDegree: 1, links });
    expect(gaps).toEqual([
      { topic: "Cornwall", reason: "sparse", score: 3, parent: "Bodmin" },
      { topic: "Truro", reason: "sparse", score: 2, parent: "Bodmin" },
    ]);
  });
});

describe("AdaptiveLinger", () => {
  it("keeps the floor while embedding is fast, waits half an article's embedding when slow, up to the cap", () => {
    const linger = new AdaptiveLinger(25);
    expect(linger.ms).toBe(25); // nothing embedded yet
    for (let i = 0; i < 20; i++) linger.observe(8); // a hashing embedder
    expect(linger.ms).toBe(25);
    for (let i = 0; i < 40; i++) linger.observe(150); // still fast enough: commits stay prompt
    expect(linger.ms).toBe(25);
    for (let i = 0; i < 40; i++) linger.observe(400); // USE-lite, one article at a time
    expect(linger.ms).toBeCloseTo(200, 0);
    for (let i = 0; i < 40; i++) linger.observe(3_000); // articles queueing for the embedding threads
    expect(linger.ms).toBe(MAX_LINGER_MS);
    expect(new AdaptiveLinger(800).ms).toBe(800); // a floor set above the cap wins
  });
});
