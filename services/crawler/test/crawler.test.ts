import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type RunningService } from "@lumina/runtime";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { start } from "../src/main.ts";

let server: RedisServerHandle;
let redis: Redis;
let wiki: WikiFixture;
let crawler: RunningService;

type Entry = Record<string, string>;
async function entries(stream: string): Promise<Entry[]> {
  const raw = (await redis.xrange(stream, "-", "+")) as [string, string[]][];
  return raw.map(([, flat]) =>
    Object.fromEntries(flat.flatMap((_, i) => (i % 2 ? [] : [[flat[i], flat[i + 1]]]))),
  );
}
const graphAdds = () => entries("graph:add");
const deadLetters = () => entries("crawl:req:dlq");

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
});
beforeEach(async () => {
  crawler = await start({
    REDIS_URL: server.url,
    WIKI_API_URL: wiki.apiUrl,
    WIKI_CONTACT: "tests@lumina.test",
    METRICS_PORT: "0",
    LOG_LEVEL: "silent",
    CRAWL_QUEUE_POLL_MS: "50",
    RECLAIM_IDLE_MS: "200",
  });
});
afterEach(async () => {
  await crawler.stop();
  await redis.flushall();
});
afterAll(async () => {
  redis.disconnect();
  await wiki.close();
  await server.stop();
});

describe("crawler service", () => {
  it("turns a crawl:req typed with redis-cli into a graph:add with the parsed article", async () => {
    await promisify(execFile)("redis-cli", [
      "-p",
      String(server.port),
      "XADD",
      "crawl:req",
      "*",
      "url",
      "Bodmin",
      "prio",
      "1",
    ]);
    const [event] = await waitFor("graph:add", async () => ((await graphAdds()).length ? graphAdds() : null));
    expect(event).toMatchObject({ title: "Bodmin", url: `${new URL(wiki.apiUrl).origin}/wiki/Bodmin` });
    expect(Number(event?.page_id)).toBeGreaterThan(0);
    expect(JSON.parse(event?.links ?? "[]")).toContain("Bodmin Moor");
    expect(JSON.parse(event?.categories ?? "[]")).toContain("Towns in Cornwall");
    const metrics = await fetch(`${crawler.urls.metrics}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/articles_ingested_total\{source="user",service="crawler"\} 1/);
  });

  it("drains titles seeded with ZADD crawl:queue", async () => {
    await redis.zadd("crawl:queue", 0, "Bazooka", 1, "Goryeo_ware");
    await waitFor("two articles", async () => (await graphAdds()).length === 2);
    expect((await graphAdds()).map((e) => e.title).sort()).toEqual(["Bazooka", "Goryeo ware"]);
    expect(await redis.zcard("crawl:queue")).toBe(0);
  });

  it("fetches a title seeded twice (as title and as URL) only once", async () => {
    const url = `${new URL(wiki.apiUrl).origin}/wiki/Statoil`;
    await redis.xadd("crawl:req", "*", "url", "Statoil");
    await redis.xadd("crawl:req", "*", "url", url);
    await redis.zadd("crawl:queue", 0, "statoil");
    await waitFor("one article", async () => (await graphAdds()).length === 1);
    await waitFor("the queue to empty", async () => (await redis.zcard("crawl:queue")) === 0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await graphAdds()).length).toBe(1);
    expect(wiki.requests.filter((r) => r.page === "Statoil").length).toBe(1);
  });

  it("rejects other hosts, IPs and non-articles to crawl:req:dlq without fetching", async () => {
    const before = wiki.requests.length;
    await redis.xadd("crawl:req", "*", "url", "https://evil.example/wiki/X");
    await redis.xadd("crawl:req", "*", "url", "http://169.254.169.254/latest/meta-data");
    await redis.xadd("crawl:req", "*", "url", "file:///etc/passwd");
    await redis.zadd("crawl:queue", 0, "Talk:Bodmin");
    const dlq = await waitFor("4 dead letters", async () => {
      const d = await deadLetters();
      return d.length === 4 ? d : null;
    });
    expect(dlq.map((d) => d.dlq_reason)).toEqual([
      expect.stringMatching(/host evil.example is not the configured wiki/),
      expect.stringMatching(/host 169.254.169.254 is not the configured wiki/),
      expect.stringMatching(/scheme file: is not allowed/),
      expect.stringMatching(/not an article \(namespace Talk\)/),
    ]);
    expect(wiki.requests.length).toBe(before);
  });

  it("remembers a page the wiki does not have, asking once, without a dead letter", async () => {
    await redis.xadd("crawl:req", "*", "url", "Nonexistent_topic_xyz");
    await waitFor(
      "remembered as missing",
      async () => (await redis.sismember("crawl:missing", "Nonexistent topic xyz")) === 1,
    );
    const metrics = await waitFor("counted", async () => {
      const text = await fetch(`${crawler.urls.metrics}/metrics`).then((r) => r.text());
      return /crawl_skipped_total\{reason="missing",service="crawler"\} 1/.test(text) ? text : null;
    });
    expect(metrics).toBeTruthy();
    expect(await deadLetters()).toEqual([]);
    expect(wiki.requests.filter((r) => r.page === "Nonexistent topic xyz").length).toBe(1); // not retried
  });

  it("does not publish again an article read within RECRAWL_DAYS", async () => {
    await redis.xadd("crawl:req", "*", "url", "Bodmin");
    await waitFor("the first read", async () => (await graphAdds()).length === 1);
    await waitFor("the job to finish", async () => (await redis.hget("crawl:seen", "Bodmin")) !== null);
    await redis.xadd("crawl:req", "*", "url", "Bodmin");
    await new Promise((r) => setTimeout(r, 700));
    expect((await graphAdds()).length).toBe(1);
    const metrics = await fetch(`${crawler.urls.metrics}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/crawl_skipped_total\{reason="recent",service="crawler"\} 1/);
  });

  it("reads a title whose crawl failed for good once it is asked for again, by replay or anew", async () => {
    // 3 tries (CRAWL_ATTEMPTS) of 4 requests each (the client's own retries): 12 answers of 503.
    wiki.failNext(12, 503, 0);
    await redis.xadd("crawl:req", "*", "url", "Bodmin", "prio", "7", "reason", "wanted");
    const [dead] = await waitFor(
      "the failure recorded",
      async () => {
        const d = await deadLetters();
        return d.length ? d : null;
      },
      { timeoutMs: 30_000 },
    );
    // The dead letter keeps what the request said.
    expect(dead).toMatchObject({ url: "Bodmin", prio: "7", reason: "wanted", why: "manual" });
    expect(await graphAdds()).toEqual([]);
    // The same title asked for again (what `lumina dlq replay` and `lumina seed` do) is read.
    await redis.xadd("crawl:req", "*", "url", "Bodmin");
    await waitFor("read on the second request", async () => (await graphAdds()).length === 1, {
      timeoutMs: 15_000,
    });
  }, 45_000);

  it("rides out 429s from the wiki", async () => {
    wiki.failNext(2, 429, 0);
    await redis.xadd("crawl:req", "*", "url", "Bodmin");
    await waitFor("the article despite 429s", async () => (await graphAdds()).length === 1, {
      timeoutMs: 15_000,
    });
  });
});
