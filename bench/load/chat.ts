/**
 * Chat under load: `clients` concurrent clients, each sending POST /chat back to back for `seconds`,
 * against a rag-worker in its own process (the `lumina up --processes` supervisor) that has read the
 * shared test corpus. Every answer must be a 200, a 429 or a 503 (both with Retry-After): never
 * another 5xx, never a dropped connection.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Supervisor } from "@lumina/cli";
import { crawlIdle, readCrawlBacklog, readGroups } from "@lumina/bus";
import { KG } from "@lumina/events";
import { freePort, type RedisServerHandle, waitFor } from "@lumina/testing";
import { BUNDLED_CORPUS_DIR, Corpus, startWikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";

export interface ChatLoadResult {
  mode: string;
  clients: number;
  seconds: number;
  requests: number;
  /** status code → count; 0 = the connection failed */
  statuses: Record<string, number>;
  /** 429 and 503 answers without a Retry-After header */
  missing_retry_after: number;
  all_ms: { p50: number; p95: number; p99: number; max: number };
  ok_ms: { p50: number; p95: number; p99: number; max: number } | null;
  answered_per_s: number;
  /** the first few answers that were neither 200, 429 nor 503: status and body */
  unexpected: string[];
}

export const percentiles = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
};

/** Redis, the local wiki with the shared corpus, a crawler and an indexer that have read all of it. */
export async function readCorpus(
  redisServer: RedisServerHandle,
  say: (line: string) => void,
  overrides: Record<string, string> = {},
) {
  const wiki = await startWikiFixture({ corpus: Corpus.bundled() });
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-load-"));
  const env = {
    ...(process.env as Record<string, string>),
    REDIS_URL: redisServer.url,
    DATA_DIR: dataDir,
    WIKI_API_URL: wiki.apiUrl,
    METRICS_PORT: "0",
    LOG_LEVEL: "error",
    CRAWL_BUDGET_PER_HR: "1000000",
    ...overrides,
  };
  const ingest = new Supervisor({ envFor: () => env, logDir: join(dataDir, "logs") });
  await ingest.start(["crawler", "indexer"]);
  const redis = new Redis(redisServer.url);
  const titles = (await readdir(BUNDLED_CORPUS_DIR))
    .filter((f) => f.endsWith(".txt"))
    .map((f) => f.replace(/\.txt$/, "").replace(/[-_]/g, " "));
  for (const title of titles) await redis.xadd("crawl:req", "*", "url", title, "source", "bench");
  // Read when every request has been fetched (or found missing) and every graph:add indexed.
  await waitFor(
    "the corpus read",
    async () => {
      if (!crawlIdle(await readCrawlBacklog(redis))) return false;
      const groups = [...(await readGroups(redis, "crawl:req")), ...(await readGroups(redis, "graph:add"))];
      return groups.length >= 2 && groups.every((g) => g.pending + (g.lag ?? 0) === 0);
    },
    { timeoutMs: 300_000, intervalMs: 500 },
  );
  const articles = await redis.smembers(KG.nodes);
  say(
    `load: ${articles.length} articles read (of ${titles.length} requested; some are redirects or missing)`,
  );
  redis.disconnect();
  return {
    env,
    articles,
    async close() {
      await ingest.stop();
      await wiki.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function chatLoad(opts: {
  mode: string;
  env: Record<string, string>;
  articles: string[];
  clients: number;
  seconds: number;
  say: (line: string) => void;
}): Promise<ChatLoadResult> {
  const port = await freePort();
  const rag = new Supervisor({
    envFor: () => ({ ...opts.env, CHAT_PORT: String(port) }),
    logDir: join(opts.env.DATA_DIR as string, "logs", opts.mode),
  });
  await rag.start(["rag-worker"]);
  const url = `http://127.0.0.1:${port}/chat`;
  const ask = (query: string, session: string) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, session }),
    });
  try {
    await waitFor(
      "the rag-worker answering",
      async () => (await ask("hello", "warm-up").catch(() => null))?.ok,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    const statuses: Record<string, number> = {};
    const all: number[] = [];
    const ok: number[] = [];
    let missingRetryAfter = 0;
    const unexpected: string[] = [];
    const until = Date.now() + opts.seconds * 1000;
    const client = async (c: number) => {
      for (let i = 0; Date.now() < until; i++) {
        const title = opts.articles[(c * 7 + i) % opts.articles.length] as string;
        const started = performance.now();
        let status = 0;
        let retryAfterS = 0;
        try {
          const res = await ask(`What is ${title}?`, `load-${c}`);
          status = res.status;
          const body = await res.text();
          if (![200, 429, 503].includes(status) && unexpected.length < 5)
            unexpected.push(`${status} ${body}`);
          if (status === 429 || status === 503) {
            const header = res.headers.get("retry-after");
            if (!header) missingRetryAfter++;
            retryAfterS = Number(header ?? 1);
          }
        } catch {
          status = 0;
        }
        const ms = performance.now() - started;
        all.push(ms);
        if (status === 200) ok.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
        // A well-behaved client waits as told (at most 1 s here, so that the run keeps its pressure).
        if (retryAfterS > 0) await new Promise((r) => setTimeout(r, Math.min(1, retryAfterS) * 1000));
      }
    };
    opts.say(`load: ${opts.clients} chat clients for ${opts.seconds} s (${opts.mode})`);
    await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
    return {
      mode: opts.mode,
      clients: opts.clients,
      seconds: opts.seconds,
      requests: all.length,
      statuses,
      missing_retry_after: missingRetryAfter,
      all_ms: percentiles(all),
      ok_ms: ok.length ? percentiles(ok) : null,
      answered_per_s: ok.length / opts.seconds,
      unexpected,
    };
  } finally {
    await rag.stop();
  }
}
