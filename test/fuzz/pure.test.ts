import { LuminaError } from "@lumina/bus";
import { ALL_STREAMS, decodeEvent, type Fields } from "@lumina/events";
import { fixture } from "@lumina/testing";
import { parseArticle } from "@lumina/wiki";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Property tests over the code every untrusted input passes first: event decoding (whatever a person
// or a broken producer XADDs) and the article parser (whatever HTML a wiki returns).
const fieldName = fc.oneof(
  fc.constantFrom(
    "url",
    "prio",
    "topic",
    "reason",
    "score",
    "title",
    "page_id",
    "revision",
    "links",
    "sections",
    "v",
    "ts",
  ),
  fc.string({ maxLength: 12 }),
);
const fieldValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "",
    "1",
    "-1",
    "1e309",
    "NaN",
    "null",
    "[]",
    "{}",
    '["a"]',
    "[1,2]",
    "2026-11-23T00:00:00Z",
    "Q42",
    "0x10",
  ),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);
const fields: fc.Arbitrary<Fields> = fc.dictionary(fieldName, fieldValue, { maxKeys: 14 });

describe("decodeEvent on arbitrary stream entries (every stream)", () => {
  it("never throws: an entry decodes, or is refused with a readable reason", () => {
    for (const contract of ALL_STREAMS) {
      fc.assert(
        fc.property(fields, (entry) => {
          const out = decodeEvent(contract, entry);
          if (!out.ok) expect(out.reason).toMatch(/\w/);
          return true;
        }),
        { numRuns: 1500 },
      );
    }
  });
});

describe("parseArticle on broken, huge and hostile HTML", () => {
  const real = readFileSync(fixture("wiki/html/wikipedia.html"), "utf8");
  const tag = fc.constantFrom(
    "div",
    "p",
    "h2",
    "table",
    "tr",
    "td",
    "a",
    "script",
    "style",
    "span",
    "sup",
    "ul",
    "li",
    "math",
    "svg",
  );
  const fragment: fc.Arbitrary<string> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.string({ maxLength: 30 }),
      fc
        .tuple(tag, fc.string({ maxLength: 20 }), fc.array(tie("node"), { maxLength: 4 }))
        .map(([t, attr, kids]) => `<${t} class="${attr}" href="${attr}">${kids.join("")}</${t}>`),
      fc.constantFrom(
        "<a href='/wiki/Foo'>Foo</a>",
        "<a href='javascript:alert(1)'>x</a>",
        "<!--",
        "</div></div>",
        "<h2>",
        "&amp;&#x0;&#99999999;",
      ),
    ),
  })).node;
  const html = fc.oneof(
    fragment.map(
      (f) =>
        `<html><head><title>T - Wikipedia</title></head><body><h1 id="firstHeading">T</h1><div class="mw-parser-output">${f}</div></body></html>`,
    ),
    fragment,
    fc.tuple(fc.nat({ max: real.length }), fragment).map(([cut, f]) => real.slice(0, cut) + f), // truncated real page
    fc.string({ maxLength: 200 }),
  );

  it("returns an article or refuses with a Lumina error, never anything else", () => {
    let parsed = 0;
    fc.assert(
      fc.property(html, (page) => {
        try {
          const article = parseArticle(page, { wikiHost: "en.wikipedia.org" });
          expect(typeof article.title).toBe("string");
          expect(Array.isArray(article.sections)).toBe(true);
          expect(article.links.every((l) => typeof l === "string" && l.length > 0)).toBe(true);
          parsed++;
        } catch (err) {
          expect(err).toBeInstanceOf(LuminaError);
        }
        return true;
      }),
      { numRuns: 2000 },
    );
    expect(parsed).toBeGreaterThan(100); // the generator does reach the parser's happy path
  });

  it("parses a 5 MB page with deep nesting without failing", () => {
    const deep = `${"<div>".repeat(5000)}text${"</div>".repeat(5000)}`;
    const big = `<h1 id="firstHeading">Big</h1><div class="mw-parser-output"><p>${"word ".repeat(1_000_000)}</p>${deep}</div>`;
    const article = parseArticle(big, { wikiHost: "en.wikipedia.org" });
    expect(article.title).toBe("Big");
  });
});
