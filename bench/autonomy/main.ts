/**
 * bench/autonomy — (1) articles read from one seed under a crawl budget, with the planner choosing every
 * read after the seed; (2) /chat latency while the loop runs, with scratch-vm off, on with extractive
 * notes, and on with notes by the rag-worker's own model at background priority. Local wiki with a synthetic linked corpus and a
 * per-page latency, a local redis-server, every service started as in production.
 * Usage: npm run bench:autonomy -- [--pages 3000] [--budget 300] [--window-s 30] [--duration-s 60]
 *        [--chat-s 30] [--latency-ms 100] [--chat-only]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { start as startCompressor } from "@lumina/compressor";
import { start as startCrawler } from "@lumina/crawler";
import { start as startIndexer } from "@lumina/indexer";
import { start as startPlanner } from "@lumina/planner";
import { start as startRagWorker } from "@lumina/rag-worker";
import type { RunningService } from "@lumina/runtime";
import { start as startScratchVm } from "@lumina/scratch-vm";
import { scrapeMetric, sharedData, startRedisServer } from "@lumina/testing";
import { startWikiFixture, syntheticCorpus } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "3000" },
    budget: { type: "string", default: "300" },
    "window-s": { type: "string", default: "30" },
    "duration-s": { type: "string", default: "60" },
    "chat-s": { type: "string", default: "30" },
    "latency-ms": { type: "string", default: "100" },
    "chat-only": { type: "boolean", default: false },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);
const server = await startRedisServer();
const redis = new Redis(server.url);
const wiki = await startWikiFixture({ corpus: syntheticCorpus(num("pages")), latencyMs: num("latency-ms") });
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The loop's services on a fresh Redis and DATA_DIR; the rag-worker runs stories260K.gguf in process. */
async function startLoop(opts: { scratchVm: boolean; modelNotes?: boolean; chat: boolean; budget: number }) {
  await redis.flushall();
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-autonomy-"));
  const env = {
    REDIS_URL: server.url,
    DATA_DIR: dataDir,
    METRICS_PORT: "0",
    LOG_LEVEL: "error",
    EMBEDDER: "hashing",
    WIKI_API_URL: wiki.apiUrl,
  };
  const services: RunningService[] = [];
  services.push(await startIndexer({ ...env, GAP_MIN_INDEGREE: "1", PAGERANK_INTERVAL_MS: "1000" }));
  services.push(
    await startCrawler({
      ...env,
      CRAWL_CONCURRENCY: "4",
      CRAWL_QUEUE_POLL_MS: "50",
      CRAWL_BUDGET_PER_HR: "1000000",
    }),
  );
  services.push(
    await startPlanner({
      ...env,
      QUEUE_CHECK_MS: "200",
      PLAN_INTERVAL_S: "5",
      CRAWL_BUDGET_PER_HR: String(opts.budget),
      CRAWL_BUDGET_WINDOW_S: values["window-s"] as string,
    }),
  );
  let rag: RunningService | undefined;
  if (opts.chat) {
    rag = await startRagWorker({
      ...env,
      CHAT_PORT: "0",
      LLM_MODEL_PATH: sharedData("models/stories260K.gguf"),
      LLM_PROMPT_FORMAT: "plain",
      LLM_CONTEXT: "1024",
      LLM_THREADS: "1",
      LLM_SEQUENCES: "1",
      MAX_TOKENS: "64",
      RATE_LIMIT_PER_MIN: "1000000",
    });
    services.push(rag);
  }
  if (opts.scratchVm) {
    services.push(
      await startScratchVm({
        ...env,
        ...(rag && opts.modelNotes
          ? { THINK_LLM_BASE_URL: `${rag.urls.chat}/v1`, THINK_MAX_TOKENS: "64", THINK_PROMPT_CHARS: "1200" }
          : {}),
      }),
    );
    services.push(await startCompressor(env));
  }
  const metrics = (name: string) => services.find((s) => s.name === name)?.urls.metrics as string;
  return {
    rag,
    metrics,
    async stop() {
      for (const s of services.reverse()) await s.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// (1) Articles from one seed: under the given budget, then with no budget (the loop's own ceiling).
const durationS = num("duration-s");
const budgetRows: string[] = [];
for (const budget of values["chat-only"] ? [] : [num("budget"), 1_000_000]) {
  const loop = await startLoop({ scratchVm: true, chat: false, budget });
  process.stderr.write(`bench/autonomy: reading from one seed for ${durationS} s, budget ${budget}…\n`);
  await redis.zadd("crawl:queue", 0, "Topic 0");
  await sleep(durationS * 1000);
  const read = await redis.scard("kg:nodes");
  const planned = await scrapeMetric(loop.metrics("planner"), "auto_crawl_req_total");
  const notes = await scrapeMetric(loop.metrics("scratch-vm"), "scratch_notes_total");
  const limit = Math.ceil(durationS / num("window-s")) * budget;
  await loop.stop();
  budgetRows.push(
    `| ${budget >= 1_000_000 ? "none" : `${budget} per ${values["window-s"]} s`} | ${durationS} s | ${read} | ${planned} | ${budget >= 1_000_000 ? "—" : `≤ ${limit}`} | ${Math.round((read * 3600) / durationS)} | ${notes} |`,
  );
}

// (2) /chat latency while the loop runs: scratch-vm off; on with extractive notes (its CPU and the
// compressor's); on with notes by the rag-worker's own model (which also competes for the model).
const chatRows: string[] = [];
for (const [scratchVm, modelNotes] of [
  [false, false],
  [true, false],
  [true, true],
] as const) {
  const run = await startLoop({ scratchVm, modelNotes, chat: true, budget: num("budget") });
  await redis.zadd("crawl:queue", 0, "Topic 0");
  await sleep(3_000); // the loop under way
  const latencies: number[] = [];
  let failed = 0;
  const until = performance.now() + num("chat-s") * 1000;
  for (let i = 0; performance.now() < until; i++) {
    const t = performance.now();
    const res = await fetch(`${run.rag?.urls.chat}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `What is topic ${i % 50} related to?`, session: `bench-${i % 5}` }),
    });
    await res.arrayBuffer();
    if (res.status === 200) latencies.push(performance.now() - t);
    else failed++;
  }
  const llmNotes = scratchVm
    ? await scrapeMetric(run.metrics("scratch-vm"), "scratch_notes_total", { writer: "llm" })
    : 0;
  const background = await scrapeMetric(run.metrics("rag-worker"), "llm_tokens_generated_total", {
    priority: "background",
  });
  const articles = await redis.scard("kg:nodes");
  await run.stop();
  chatRows.push(
    `| ${scratchVm ? (modelNotes ? "on, notes by the model (background priority)" : "on, extractive notes") : "off"} | ${latencies.length} | ${failed} | ${pct(latencies, 50).toFixed(0)} | ${pct(latencies, 95).toFixed(0)} | ${articles} | ${llmNotes} | ${background} |`,
  );
}

console.log(
  [
    "",
    `| budget | run | articles read | crawl:req by the planner | budget over the run | articles/hour (real time) | reflection notes |`,
    "|---|---|---|---|---|---|---|",
    ...budgetRows,
    "",
    `| scratch-vm | /chat answered | failed | p50 ms | p95 ms | articles read meanwhile | model-written notes | background tokens |`,
    "|---|---|---|---|---|---|---|---|",
    ...chatRows,
    "",
  ].join("\n"),
);
redis.disconnect();
await wiki.close();
await server.stop();
