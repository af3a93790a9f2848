import { describe, expect, it } from "vitest";
import { isStopword, sentences, terms } from "../src/index.ts";

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
