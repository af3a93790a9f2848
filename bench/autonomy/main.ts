/**
 * bench/autonomy — (0) from one seed with the defaults: articles per minute, queue depth, and the
 * on-topic share with and without the relevance term (defaults.ts); (1) articles read from one seed under a crawl budget, with the planner choosing every
 * read after the seed; (2) /chat latency while the loop runs, with scratch-vm off, on with extractive
 * notes, and on with notes by the rag-worker's own model at background priority. Local wiki with a synthetic linked corpus and a
 * per-page latency, a local redis-server, every service started as in production.
 * Usage: npm run bench:autonomy -- [--pages 3000] [--budget 300] [--window-s 30] [--duration-s 60]
 *        [--chat-s 30] [--latency-ms 100] [--chat-only] [--defaults-only] [--defaults-s 180]
 */
import { parseArgs } from "node:util";
import { freePort, scrapeMetric, fixture } from "@lumina/testing";
import { syntheticCorpus } from "@lumina/wiki-fixture";
import { startAutonomyLoop } from "../../test/soak/autonomy-loop.ts";
import { defaultsReport } from "./defaults.ts";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "3000" },
    budget: { type: "string", default: "300" },
    "window-s": { type: "string", default: "30" },
    "duration-s": { type: "string", default: "60" },
    "chat-s": { type: "string", default: "30" },
    "latency-ms": { type: "string", default: "100" },
    "chat-only": { type: "boolean", default: false },
    "defaults-only": { type: "boolean", default: false },
    "defaults-s": { type: "string", default: "180" },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);
if (!values["chat-only"])
  console.log(
    await defaultsReport({
      pages: num("pages"),
      latencyMs: num("latency-ms"),
      durationS: num("defaults-s"),
    }),
  );
if (values["defaults-only"]) process.exit(0);
const corpus = syntheticCorpus(num("pages"));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The loop's services, each run on a fresh Redis and DATA_DIR, tuned for throughput (the hashing
 * embedder, fast clocks, a crawler with no budget of its own) so that the planner's budget is what
 * binds; the rag-worker runs stories260K.gguf in process.
 */
async function startLoop(opts: { scratchVm: boolean; modelNotes?: boolean; chat: boolean; budget: number }) {
  const chatPort = await freePort();
  const loop = await startAutonomyLoop({
    corpus,
    latencyMs: num("latency-ms"),
    with: [
      ...(opts.chat ? (["rag-worker"] as const) : []),
      ...(opts.scratchVm ? (["scratch-vm", "compressor"] as const) : []),
    ],
    env: { LOG_LEVEL: "error", EMBEDDER: "hashing" },
    envFor: {
      indexer: { PAGERANK_INTERVAL_MS: "1000" },
      crawler: { CRAWL_CONCURRENCY: "4", CRAWL_QUEUE_POLL_MS: "50", CRAWL_BUDGET_PER_HR: "1000000" },
      planner: {
        QUEUE_CHECK_MS: "200",
        PLAN_INTERVAL_S: "5",
        CRAWL_BUDGET_PER_HR: String(opts.budget),
        CRAWL_BUDGET_WINDOW_S: values["window-s"] as string,
      },
      "rag-worker": {
        CHAT_PORT: String(chatPort),
        LLM_MODEL_PATH: fixture("models/stories260K.gguf"),
        LLM_PROMPT_FORMAT: "plain",
        LLM_CONTEXT: "1024",
        LLM_THREADS: "1",
        LLM_SEQUENCES: "1",
        MAX_TOKENS: "64",
      },
      ...(opts.modelNotes
        ? {
            "scratch-vm": {
              THINK_LLM_BASE_URL: `http://127.0.0.1:${chatPort}/v1`,
              THINK_MAX_TOKENS: "64",
              THINK_PROMPT_CHARS: "1200",
            },
          }
        : {}),
    },
  });
  const metrics = (name: string) => loop.services[name]?.urls.metrics as string;
  return { rag: loop.services["rag-worker"], metrics, redis: loop.redis, stop: () => loop.stop() };
}

// (1) Articles from one seed: under the given budget, then with no budget (the loop's own ceiling).
const durationS = num("duration-s");
const budgetRows: string[] = [];
for (const budget of values["chat-only"] ? [] : [num("budget"), 1_000_000]) {
  const loop = await startLoop({ scratchVm: true, chat: false, budget });
  process.stderr.write(`bench/autonomy: reading from one seed for ${durationS} s, budget ${budget}…\n`);
  await loop.redis.zadd("crawl:queue", 0, "Topic 0");
  await sleep(durationS * 1000);
  const read = await loop.redis.scard("kg:nodes");
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
  await run.redis.zadd("crawl:queue", 0, "Topic 0");
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
  const articles = await run.redis.scard("kg:nodes");
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
