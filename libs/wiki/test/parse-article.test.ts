import { readFileSync } from "node:fs";
import { fixture } from "@lumina/testing";
import { describe, expect, it } from "vitest";
import { type Article, parseArticle } from "../src/index.ts";

// Ground truth: four real Wikipedia pages as a browser saved them (see fixtures/README.md).
const parse = (file: string): Article =>
  parseArticle(readFileSync(fixture(`wiki/html/${file}`), "utf8"), { wikiHost: "en.wikipedia.org" });
const mozilla = parse("wikipedia.html");
const newZealand = parse("wikipedia-2.html");
const hermitian = parse("wikipedia-3.html");
const timeLoops = parse("wikipedia-4.html");
const fullText = (a: Article) => a.sections.map((s) => `${s.heading}\n${s.text}`).join("\n");

describe("parseArticle on real Wikipedia pages", () => {
  it("reads identity from the page: title, page id, revision, Wikidata Q-id", () => {
    expect(mozilla).toMatchObject({
      title: "Mozilla",
      pageId: 36754915,
      revision: 746574460,
      wikidata: "Q9661",
    });
    expect(newZealand).toMatchObject({
      title: "New Zealand",
      pageId: 4913064,
      revision: 917976458,
      wikidata: "Q664",
    });
    expect(hermitian).toMatchObject({ title: "Hermitian matrix", pageId: 189682, wikidata: "Q652941" });
    expect(mozilla.url).toBe("https://en.wikipedia.org/wiki/Mozilla");
    // This page carries no Wikidata link: the parser must not invent one.
    expect(timeLoops.title).toBe("List of films featuring time loops");
    expect(timeLoops.wikidata).toBeUndefined();
  });

  it("keeps the lead as the summary, without coordinates or hatnotes", () => {
    expect(mozilla.summary).toMatch(
      /^Mozilla is a free-software community, created in 1998 by members of Netscape\./,
    );
    expect(newZealand.summary).toMatch(/^New Zealand \(Māori: Aotearoa/);
    expect(newZealand.summary).not.toContain("Coordinates");
    expect(hermitian.summary).toMatch(/^In mathematics, a Hermitian matrix/);
  });

  it("splits sections by heading with their levels, and drops reference-only sections", () => {
    const headings = mozilla.sections.map((s) => `${s.level} ${s.heading}`);
    expect(headings.slice(0, 4)).toEqual([
      "1 Mozilla",
      "2 History",
      "3 Eich CEO promotion controversy",
      "2 Values",
    ]);
    expect(headings).not.toContain("2 References");
    expect(headings).not.toContain("2 External links");
    expect(newZealand.sections.map((s) => s.heading)).toEqual(
      expect.arrayContaining(["Etymology", "History", "Economy", "Culture"]),
    );
  });

  it("strips edit links, reference markers and texts, hatnotes, navboxes, styles and TeX source", () => {
    for (const article of [mozilla, newZealand, hermitian, timeLoops]) {
      const text = fullText(article);
      expect(text).not.toMatch(/\[edit\]|\[\d+\]|\[citation needed\]|mw-parser-output|\{\\displaystyle/);
    }
    expect(fullText(mozilla)).not.toContain("About the Mozilla Corporation"); // a reference's text
    expect(fullText(mozilla)).not.toContain("See also: Mozilla Foundation"); // a hatnote
    expect(fullText(newZealand)).not.toContain("is officially a national anthem but is"); // a footnote
  });

  it("keeps the infobox as facts, out of the prose", () => {
    expect(mozilla.infobox).toMatchObject({
      Industry: "Open-source software",
      Founder: "Netscape Communications Corporation",
    });
    expect(newZealand.infobox).toMatchObject({
      Capital: expect.stringMatching(/^Wellington/),
      "Largest city": "Auckland",
    });
    expect(mozilla.summary).not.toContain("Open-source software Founded");
    expect(hermitian.infobox).toEqual({});
  });

  it("keeps a list article's table rows as text", () => {
    expect(fullText(timeLoops)).toContain("Groundhog Day");
    expect(fullText(timeLoops)).toMatch(/Groundhog Day \| 1993/);
  });

  it("collects outgoing article links (namespace 0 only, unique, not itself)", () => {
    expect(mozilla.links.slice(0, 3)).toEqual([
      "Open-source software",
      "Netscape",
      "Mozilla Application Suite",
    ]);
    expect(hermitian.links).toEqual(
      expect.arrayContaining(["Conjugate transpose", "Charles Hermite", "Quantum mechanics"]),
    );
    expect(timeLoops.links).toEqual(expect.arrayContaining(["Time loop", "Groundhog Day (film)"]));
    for (const article of [mozilla, newZealand, hermitian, timeLoops]) {
      expect(article.links).not.toContain(article.title);
      expect(new Set(article.links).size).toBe(article.links.length);
      expect(
        article.links.filter((l) => /^(File|Category|Help|Wikipedia|Template|Special|Portal|Talk):/.test(l)),
      ).toEqual([]);
    }
  });

  it("keeps visible categories and drops hidden maintenance ones", () => {
    expect(mozilla.categories).toEqual(["Mozilla", "Netscape", "Projects established in 1998"]);
    expect(hermitian.categories).toEqual(["Matrices"]);
    expect(newZealand.categories).toContain("Island countries");
    for (const article of [mozilla, newZealand, hermitian, timeLoops]) {
      expect(article.categories.filter((c) => /CS1|Use American English|unsourced/i.test(c))).toEqual([]);
    }
  });

  it("fingerprints title + first sentence: stable, and different per page", () => {
    expect(mozilla.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(parse("wikipedia.html").fingerprint).toBe(mozilla.fingerprint);
    expect(new Set([mozilla, newZealand, hermitian, timeLoops].map((a) => a.fingerprint)).size).toBe(4);
  });
});

describe("parseArticle on malformed markup", () => {
  it("leaves no markup in the text from a link nested inside another's href", () => {
    // What a naive wikitext renderer writes for "[[Linux]] … [[Linux-Distribution|Linux-Distributoren]]".
    const html =
      '<div class="mw-parser-output"><p>Für <a href="/wiki/Linux">Linux</a> gibt es von ' +
      '<a class="link" href="/wiki/<a class="link" href="/wiki/Linux">Linux</a>-Distribution">Linux-Distributoren</a> ' +
      'erstellte Varianten; siehe <a href="/wiki/Roadblock_(<a href="/wiki/robot">robot</a>)">Roadblock</a>.</p></div>';
    const article = parseArticle(html, { wikiHost: "de.wikipedia.org", meta: { title: "Firefox" } });
    expect(article.summary).toMatch(/Linux-Distributoren erstellte Varianten; siehe .*Roadblock\./);
    expect(article.summary).not.toMatch(/">|<a|href/);
  });
});
