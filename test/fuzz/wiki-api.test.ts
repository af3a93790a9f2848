import { createServer, type Server } from "node:http";
import { LuminaError } from "@lumina/bus";
import { WikiSource } from "@lumina/wiki";
import { Corpus, startWikiFixture } from "@lumina/wiki-fixture";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Whatever a wiki API (or something posing as one at WIKI_API_URL) answers with HTTP 200, the crawler's
// WikiSource returns an article or refuses with a Lumina error that says why: generated JSON of any
// shape, parse results with fields of the wrong type, API errors, non-JSON text, real answers cut short.
let server: Server;
let apiUrl: string;
let next = "";
let realAnswer = "";

beforeAll(async () => {
  const fixture = await startWikiFixture({ corpus: Corpus.bundled() });
  const url = new URL(fixture.apiUrl);
  for (const [k, v] of Object.entries({
    action: "parse",
    format: "json",
    formatversion: "2",
    page: "Bodmin",
  }))
    url.searchParams.set(k, v);
  realAnswer = await (await fetch(url)).text();
  await fixture.close();
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(next);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/w/api.php`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const json = fc.json({ maxDepth: 4 });
const anyValue = json.map((s) => JSON.parse(s) as unknown);
const parseField = {
  title: fc.oneof(fc.string({ maxLength: 30 }), anyValue),
  pageid: fc.oneof(fc.integer(), fc.double(), anyValue),
  revid: fc.oneof(fc.integer(), anyValue),
  text: fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom("<p>Granite.</p>", "<div class='mw-parser-output'><p>x</p></div>", ""),
    anyValue,
  ),
  redirects: fc.oneof(fc.constant([{ from: "A", to: "B" }]), anyValue),
  categories: fc.oneof(fc.constant([{ category: "Rocks", hidden: false }]), anyValue),
  properties: fc.oneof(fc.constant({ wikibase_item: "Q42" }), fc.constant([]), anyValue),
};
const bodies = fc.oneof(
  json, // any JSON at all
  fc.string({ maxLength: 100 }), // not JSON
  fc.record(parseField, { requiredKeys: [] }).map((parse) => JSON.stringify({ parse })),
  fc
    .record({
      code: fc.oneof(fc.constantFrom("missingtitle", "maxlag", "badtitle"), anyValue),
      info: anyValue,
    })
    .map((error) => JSON.stringify({ error })),
  fc.nat().map((cut) => realAnswer.slice(0, cut % realAnswer.length)), // a real answer cut short
  fc // well-formed, with any text for the parser
    .record({
      title: fc.string({ minLength: 1, maxLength: 30 }),
      pageid: fc.integer({ min: 1 }),
      revid: fc.integer({ min: 1 }),
      text: parseField.text.filter((t) => typeof t === "string"),
    })
    .map((parse) => JSON.stringify({ parse })),
);

describe("WikiSource on whatever the API answers", () => {
  it("returns an article or refuses with a Lumina error, never anything else", async () => {
    const wiki = new WikiSource({ apiUrl, contact: "fuzz", maxAttempts: 1 });
    const outcomes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        next = body;
        try {
          const article = await wiki.fetchArticle("Some title");
          expect(typeof article.title).toBe("string");
          expect(Number.isInteger(article.revision)).toBe(true);
          outcomes.article = (outcomes.article ?? 0) + 1;
        } catch (err) {
          if (!(err instanceof LuminaError)) throw err;
          outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
        }
      }),
      { numRuns: 1_500 },
    );
    // Both ways out were taken: some generated answers are valid articles, most are refused.
    expect(outcomes.article).toBeGreaterThan(0);
    expect(outcomes.invalid_api_response).toBeGreaterThan(0);
  }, 120_000);
});
