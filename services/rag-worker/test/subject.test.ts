import { describe, expect, it } from "vitest";
import { subjectTitles } from "../src/domain/subject.ts";

describe("subjectTitles: the article a what/who/where question names", () => {
  it.each([
    ["What is Bodmin?", "Bodmin"],
    ["who was Ada Lovelace", "Ada Lovelace"],
    ["Where is Toronto?", "Toronto"],
    ["What is BBDO?", "BBDO"],
    ["Tell me about the Goryeo ware.", "Goryeo ware"],
    ["tell me about bodmin", "Bodmin"],
    ["Bodmin", "Bodmin"],
    ["What do you know about Mozilla Firefox?", "Mozilla Firefox"],
  ])("%s → %s", (question, title) => {
    expect(subjectTitles(question)).toContain(title);
  });

  it("names none for questions that ask something else", () => {
    expect(subjectTitles("How many people lived in Bodmin in 2011 according to the census?")).toEqual([]);
    expect(subjectTitles("When did the Damphu drum first appear?")).toEqual([]);
    expect(subjectTitles("   ")).toEqual([]);
  });
});
