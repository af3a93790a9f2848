import { createServer } from "node:http";
import { NonRetryableError, RetryableError } from "@lumina/bus";
import { MissingPageError, WikiSource } from "@lumina/wiki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Corpus, startWikiFixture, type WikiFixture } from "../src/index.ts";

let wiki: WikiFixture;
const source = (extra: Partial<ConstructorParameters<typeof WikiSource>[0]> = {}) =>
  new WikiSource({ apiUrl: wiki.apiUrl, contact: "ops@lumina.test", baseDelayMs: 5, ...extra });

beforeAll(async () => {
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
});
afterAll(() => wiki.close());

describe("the local wiki's article pages", () => {
  it("serves an article at the URL an answer links to, and 404 for a page it lacks", async () => {
    const article = await source()
      .fetchArticle("Bodmin Moor")
      .catch(() => source().fetchArticle("Bodmin"));
    const page = await fetch(article.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain(`<h1>${article.title}</h1>`);
    expect(html).toMatch(/<b>Bodmin<\/b>.*is a <a [^>]*>civil parish<\/a> and historic town in/);
    expect((await fetch(`${new URL(wiki.apiUrl).origin}/wiki/No_such_page_here`)).status).toBe(404);
  });
});

describe("WikiSource against the local Wikipedia fixture", () => {
  it("fetches and parses a real article through action=parse", async () => {
    const article = await source().fetchArticle("Bodmin");
    expect(article.title).toBe("Bodmin");
    expect(article.pageId).toBeGreaterThan(0);
    expect(article.revision).toBeGreaterThan(0);
    expect(article.url).toBe(`${new URL(wiki.apiUrl).origin}/wiki/Bodmin`);
    expect(article.summary).toMatch(/^Bodmin .* is a civil parish and historic town in Cornwall/);
    expect(article.sections.map((s) => s.heading)).toEqual(expect.arrayContaining(["History", "Transport"]));
    expect(article.links).toEqual(expect.arrayContaining(["Bodmin Moor", "Cornish language"]));
    expect(article.categories).toContain("Towns in Cornwall");
    expect(article.infobox).toMatchObject({ Population: "14,736" });
    const text = article.sections.map((s) => s.text).join("\n");
    expect(text).not.toMatch(/\[edit\]|\[\d+\]|Source \d+ of Bodmin/); // edit links, markers, reference list
  });

  it("accepts a URL on the configured host and gives the same page", async () => {
    const byUrl = await source().fetchArticle(`${new URL(wiki.apiUrl).origin}/wiki/Bodmin`);
    expect(byUrl.title).toBe("Bodmin");
  });

  it("resolves redirects and says where it came from", async () => {
    const article = await source().fetchArticle("Redirect");
    expect(article.title).toBe("Toronto");
    expect(article.redirectedFrom).toBe("Redirect");
  });

  it("reports a missing page as a non-retryable MissingPageError", async () => {
    const err = await source()
      .fetchArticle("No such article anywhere")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingPageError);
    expect(err).toBeInstanceOf(NonRetryableError);
    expect((err as MissingPageError).code).toBe("missing_page");
  });

  it("identifies itself with a descriptive User-Agent", async () => {
    await source().fetchArticle("Bazooka");
    expect(wiki.requests.at(-1)).toEqual({
      page: "Bazooka",
      userAgent: expect.stringMatching(/^Lumina\/.*ops@lumina\.test/),
    });
  });

  it("waits out 429s, honouring Retry-After, then succeeds", async () => {
    const waits: { delayMs: number; reason: string }[] = [];
    wiki.failNext(1, 429, 1);
    wiki.failNext(1, 503, 0);
    const started = Date.now();
    const article = await source({ onRetry: (r) => waits.push(r) }).fetchArticle("Bodmin");
    expect(article.title).toBe("Bodmin");
    expect(waits.map((w) => w.reason)).toEqual(["HTTP 429", "HTTP 503"]);
    expect(waits[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("gives up with a retryable error after maxAttempts", async () => {
    wiki.failNext(3, 503, 0);
    const err = await source({ maxAttempts: 3 })
      .fetchArticle("Bodmin")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect(String((err as Error).message)).toMatch(
      /gave up on "Bodmin" after 3 requests to the wiki: HTTP 503/,
    );
  });

  it("refuses other hosts, schemes and IPs without sending any request", async () => {
    const before = wiki.requests.length;
    for (const url of [
      "https://evil.example/wiki/X",
      "http://10.0.0.1/wiki/X",
      "file:///etc/passwd",
      "gopher://x/",
    ]) {
      await expect(source().fetchArticle(url)).rejects.toBeInstanceOf(NonRetryableError);
    }
    expect(wiki.requests.length).toBe(before);
  });

  it("refuses oversized responses", async () => {
    const err = await source({ maxBytes: 10_000 })
      .fetchArticle("United Kingdom")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableError);
    expect((err as NonRetryableError).code).toBe("oversized");
  });

  it("never follows an HTTP redirect from the API", async () => {
    let hits = 0;
    const target = createServer((_req, res) => {
      hits++;
      res.end("{}");
    });
    const redirector = createServer((_req, res) => {
      const port = (target.address() as { port: number }).port;
      res.writeHead(302, { location: `http://127.0.0.1:${port}/w/api.php` }).end();
    });
    await Promise.all([target, redirector].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
    try {
      const apiUrl = `http://127.0.0.1:${(redirector.address() as { port: number }).port}/w/api.php`;
      const err = await new WikiSource({ apiUrl, contact: "t" }).fetchArticle("X").catch((e: unknown) => e);
      expect((err as NonRetryableError).code).toBe("unexpected_redirect");
      expect(hits).toBe(0);
    } finally {
      await Promise.all([target, redirector].map((s) => new Promise((r) => s.close(r))));
    }
  });
});

describe("the whole fixture corpus", () => {
  it("renders each link once, never inside another link's href (no markup reaches the text)", async () => {
    const article = await source().fetchArticle("Mozilla Firefox");
    const text = article.sections.map((s) => s.text).join("\n");
    expect(text).toContain("von Linux-Distributoren erstellte 64-Bit-Varianten");
    expect(text).not.toMatch(/">|<a |href=/);
    expect(article.links).toContain("Linux-Distribution");
    for (const title of wiki.corpus.titles()) {
      const page = await fetch(
        `${new URL(wiki.apiUrl).origin}/wiki/${encodeURIComponent(title.replace(/ /g, "_"))}`,
      );
      expect(await page.text(), title).not.toMatch(/href="[^"]*</);
    }
  }, 60_000);

  it("every article fetches and parses into a titled article with text", async () => {
    const wikiSource = source();
    const failures: string[] = [];
    for (const title of wiki.corpus.titles()) {
      try {
        const article = await wikiSource.fetchArticle(title);
        if (!article.sections.some((s) => s.text.length > 0)) failures.push(`${title}: no text`);
      } catch (err) {
        failures.push(`${title}: ${String(err)}`);
      }
    }
    expect(wiki.corpus.titles().length).toBe(71);
    expect(failures).toEqual([]);
  }, 60_000);
});
