import { describe, expect, it } from "vitest";
import { InvalidTitleError, normalizeTitle, titleToPath } from "../src/index.ts";

const HOST = "en.wikipedia.org";

describe("normalizeTitle", () => {
  it.each([
    ["Artificial_intelligence", "Artificial intelligence"],
    ["artificial intelligence", "Artificial intelligence"],
    ["  Bodmin  ", "Bodmin"],
    ["https://en.wikipedia.org/wiki/Artificial_intelligence#History", "Artificial intelligence"],
    ["//en.wikipedia.org/wiki/New_Zealand", "New Zealand"],
    ["/wiki/M%C4%81ori_language", "Māori language"],
    ["https://en.wikipedia.org/w/index.php?title=Raith_Rovers_F.C.&oldid=1", "Raith Rovers F.C."],
    ["AC/DC", "AC/DC"],
    ["Star Wars: A New Hope", "Star Wars: A New Hope"],
  ])("%s → %s", (input, title) => {
    expect(normalizeTitle(input, HOST)).toBe(title);
  });

  it.each([
    ["https://evil.example/wiki/X", /host evil.example is not the configured wiki/],
    ["http://127.0.0.1/wiki/X", /host 127.0.0.1 is not the configured wiki/],
    ["http://[::1]/wiki/X", /is not the configured wiki/],
    ["https://user:pw@en.wikipedia.org/wiki/X", /is not the configured wiki/],
    ["file:///etc/passwd", /scheme file: is not allowed|not the configured wiki/],
    ["gopher://en.wikipedia.org/wiki/X", /scheme gopher: is not allowed/],
    ["https://en.wikipedia.org/w/api.php?action=query", /not an article URL/],
    ["Talk:Bodmin", /not an article \(namespace Talk\)/],
    ["File:Example.jpg", /not an article/],
    ["", /empty title/],
    ["A|B", /characters titles cannot have/],
    ["x".repeat(300), /longer than 255 bytes/],
  ])("refuses %s", (input, reason) => {
    expect(() => normalizeTitle(input, HOST)).toThrow(InvalidTitleError);
    expect(() => normalizeTitle(input, HOST)).toThrow(reason);
  });

  it("builds article paths", () => {
    expect(titleToPath("Raith Rovers F.C.")).toBe("Raith_Rovers_F.C.");
    expect(titleToPath("AC/DC")).toBe("AC/DC");
  });
});
