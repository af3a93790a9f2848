import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { start as startCrawler } from "@lumina/crawler";
import type { RunningService } from "@lumina/runtime";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { WikiSource } from "@lumina/wiki";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// SSRF and crawl safety as a table: every hostile crawl:req is refused with a reason and nothing is
// fetched — neither from the wiki nor from a trap server standing where the hostile URLs point.
let server: RedisServerHandle;
let redis: Redis;
let wiki: WikiFixture;
let crawler: RunningService;
let trap: Server;
let trapHits = 0;
let trapPort = 0;

const listen = (s: Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
  trap = createServer((_req, res) => {
    trapHits++;
    res.end("you should not be here");
  });
  trapPort = await listen(trap);
  crawler = await startCrawler({
    REDIS_URL: server.url,
    METRICS_PORT: "0",
    LOG_LEVEL: "silent",
    WIKI_API_URL: wiki.apiUrl,
    CRAWL_QUEUE_POLL_MS: "50",
  });
});
afterAll(async () => {
  await crawler.stop();
  redis.disconnect();
  await wiki.close();
  await new Promise((r) => trap.close(r));
  await server.stop();
});

describe("SSRF: hostile crawl:req entries", () => {
  it("refuses every one with a reason and fetches nothing", async () => {
    const table: [string, RegExp][] = [
      ["https://evil.example/wiki/Bodmin", /host evil\.example is not the configured wiki/],
      [
        `http://127.0.0.1:${trapPort}/wiki/Bodmin`,
        /host 127\.0\.0\.1:\d+ is not the configured wiki|is not the configured wiki/,
      ],
      [`http://localhost:${trapPort}/wiki/Bodmin`, /is not the configured wiki/],
      ["http://[::1]/wiki/Bodmin", /is not the configured wiki/],
      ["http://169.254.169.254/latest/meta-data/", /host 169\.254\.169\.254 is not the configured wiki/],
      ["http://10.0.0.1/wiki/Bodmin", /host 10\.0\.0\.1 is not the configured wiki/],
      ["http://192.168.1.1/wiki/Bodmin", /host 192\.168\.1\.1 is not the configured wiki/],
      ["http://2130706433/wiki/Bodmin", /host 127\.0\.0\.1 is not the configured wiki/], // 127.0.0.1 as a number
      ["file:///etc/passwd", /scheme file: is not allowed/],
      ["gopher://127.0.0.1:70/_GET", /scheme gopher: is not allowed/],
      ["ftp://example.org/x", /scheme ftp: is not allowed/],
      ["data:text/html,<b>x</b>", /characters titles cannot have/],
      ["Special:Export/Bodmin", /not an article \(namespace Special\)/],
      ["Talk:Bodmin", /not an article \(namespace Talk\)/],
    ];
    const before = wiki.requests.length;
    for (const [url] of table) await redis.xadd("crawl:req", "*", "url", url);
    const dead = await waitFor("every entry refused", async () => {
      const d = (await redis.xrange("crawl:req:dlq", "-", "+")) as [string, string[]][];
      return d.length === table.length ? d : null;
    });
    const reasons = dead.map(([, f]) => f[f.indexOf("dlq_reason") + 1] as string);
    const rows = table.map(([url, pattern], i) => ({
      url,
      reason: reasons[i] as string,
      ok: pattern.test(reasons[i] as string),
    }));
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(wiki.requests.length).toBe(before);
    expect(trapHits).toBe(0);
    expect(await redis.xlen("graph:add")).toBe(0);
    console.log(
      `ssrf: ${table.length} hostile crawl:req, ${rows.filter((r) => r.ok).length} refused with a reason, ${wiki.requests.length - before + trapHits} fetched`,
    );
  });
});

describe("SSRF: what the configured wiki itself answers", () => {
  it("does not follow an HTTP redirect towards another host", async () => {
    const redirector = createServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${trapPort}/latest/meta-data` }).end();
    });
    const port = await listen(redirector);
    try {
      const source = new WikiSource({
        apiUrl: `http://127.0.0.1:${port}/w/api.php`,
        contact: "test",
        maxAttempts: 1,
      });
      await expect(source.fetchArticle("Bodmin")).rejects.toThrow(
        /answered 302 towards http:\/\/127\.0\.0\.1:\d+\/latest\/meta-data; not followed/,
      );
      expect(trapHits).toBe(0);
    } finally {
      await new Promise((r) => redirector.close(r));
    }
  });

  it("refuses a response larger than its limit without reading it all", async () => {
    let sent = 0;
    const huge = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const port = await listen(huge);
    try {
      const source = new WikiSource({
        apiUrl: `http://127.0.0.1:${port}/w/api.php`,
        contact: "test",
        maxAttempts: 1,
        maxBytes: 1024 * 1024,
      });
      await expect(source.fetchArticle("Bodmin")).rejects.toThrow(/larger than|too large|exceeds/i);
      expect(sent).toBeLessThan(50 * 1024 * 1024);
    } finally {
      huge.closeAllConnections();
      await new Promise((r) => huge.close(r));
    }
  });
});
