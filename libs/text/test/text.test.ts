import { describe, expect, it } from "vitest";
import { isStopword, sentenceSpans, sentences, stems, terms } from "../src/index.ts";

describe("text", () => {
  it("splits sentences at full stops followed by a capital, not inside numbers", () => {
    expect(sentences("It cost 3.5 pounds. Then it rose! Did it? Yes.")).toEqual([
      "It cost 3.5 pounds.",
      "Then it rose!",
      "Did it?",
      "Yes.",
    ]);
    expect(sentences("He played for the St. Louis Cardinals. J. R. Smith did not. Next.")).toEqual([
      "He played for the St. Louis Cardinals.",
      "J. R. Smith did not.",
      "Next.",
    ]);
  });

  it("keeps content words, singular, without stopwords", () => {
    expect(terms("What are the Normans known for? Their castles.")).toEqual(["norman", "castle"]);
    expect(isStopword("The")).toBe(true);
    expect(isStopword("castle")).toBe(false);
  });
});

describe("sentence spans", () => {
  it("gives each sentence with offsets that select it in the passage, with the same breaks as sentences()", () => {
    const text = "  Bodmin is a town in Cornwall.\n\nIt lies on the moor. St. Petroc founded it (c. 500).  ";
    const spans = sentenceSpans(text);
    expect(spans.map((s) => s.text)).toEqual(sentences(text));
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(spans[0]).toEqual({ start: 2, end: 31, text: "Bodmin is a town in Cornwall." });
  });
});

describe("stems", () => {
  it("reduces the content words to Porter stems, so that forms of one word match", () => {
    expect(stems("The complexity was measured")).toEqual(stems("complex measuring"));
    expect(stems("Who ruled the duchy?")).toEqual(["rule", "duchi"]);
  });
});
