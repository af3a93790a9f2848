import { start as startCrawler } from "@lumina/crawler";
import { poolStats } from "@lumina/embeddings";
import { start as startIndexer } from "@lumina/indexer";
import { start as startRagWorker } from "@lumina/rag-worker";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { afterAll, beforeAll, expect, it } from "vitest";

// The one-process arrangement of `lumina up`: crawler, indexer and rag-worker in this process with
// the defaults, sharing one embedding pool. A long article keeps the indexing threads busy for
// seconds; a chat question asked meanwhile is answered before the article is indexed. On one event
// loop with a synchronous embedder (EMBED_THREADS=off) the question would wait for the whole batch.
let stack: TestStack;
let wiki: WikiFixture;
let chatUrl: string;

const LONG = "A long read";
const longArticle = Array.from(
  { length: 120 },
  (_, i) =>
    `== Part ${i + 1} ==\nPart ${i + 1} of a long read describes the harbour, its ${i + 3} cranes, the ` +
    `tides of the estuary and the ships that came in during the year ${1800 + i}, with their cargo.`,
).join("\n\n");

beforeAll(async () => {
  stack = await startStack("lumina-chat-indexing-");
  const corpus = Corpus.bundled().add(LONG, `'''${LONG}''' is an article of many parts.\n\n${longArticle}`);
  wiki = await startWikiFixture({ corpus });
  const env = stack.env({ WIKI_API_URL: wiki.apiUrl, CHAT_PORT: "0" });
  await stack.run(startCrawler(env));
  await stack.run(startIndexer(env));
  chatUrl = (await stack.run(startRagWorker(env))).urls.chat as string;
  await stack.redis.xadd("crawl:req", "*", "url", "Goryeo ware");
  await waitFor(
    "Goryeo ware indexed",
    async () => (await stack.redis.sismember("kg:nodes", "Goryeo ware")) === 1,
    {
      timeoutMs: 60_000,
    },
  );
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await wiki?.close();
});

it("answers a chat question while a long article is being embedded", async () => {
  await stack.redis.xadd("crawl:req", "*", "url", LONG);
  await waitFor("the long article's chunks queued in the pool", () =>
    poolStats().some((p) => p.queued.background > 8),
  );
  const res = await fetch(`${chatUrl}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "What is Goryeo ware?", session: "during-indexing" }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { answer: string; sources: { title: string }[] };
  expect(body.sources.map((s) => s.title)).toContain("Goryeo ware");
  // Answered while the long article still waits for its vectors: the question did not queue behind it.
  expect(await stack.redis.sismember("kg:nodes", LONG)).toBe(0);
  expect(poolStats().some((p) => p.queued.background > 0)).toBe(true);
  await waitFor(
    "the long article indexed",
    async () => (await stack.redis.sismember("kg:nodes", LONG)) === 1,
    {
      timeoutMs: 120_000,
    },
  );
}, 180_000);
