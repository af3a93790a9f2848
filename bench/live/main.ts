/**
 * bench/live — chat latency on a live, growing Lumina. `node cli/bin/lumina.js up` with the defaults
 * (USE-lite, one process) reads N articles of a generated local wiki, all requested at once, while one
 * client asks a question every QUESTION_EVERY_MS; then again for a while after ingest, with reflection
 * and compression running, and once more when the process is quiet (its CPU below 10 % of a core).
 * Prints, per phase, /chat latency over HTTP and the server's own `overhead_ms` (p50/p95), ingest
 * articles/s, what one embedding thread alone and the pool's threads together do with the same chunks
 * (measured after the run), the texts the pool embedded while ingesting by lane, and the event-loop
 * delay and garbage-collection pauses of its main thread in each phase.
 * Usage: npm run bench:live -- [--articles 300] [--after 30] [--quiet 30] [--env EMBED_THREADS=off]
 *   [--keep] (leaves DATA_DIR in place and prints where)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { metricsPortVar } from "@lumina/cli";
import { COLLECTIONS, KG } from "@lumina/events";
import { type Embedder, loadEmbedder, sharedThreads } from "@lumina/embeddings";
import { LanceDbStore } from "@lumina/vectors";
import { startWikiFixture, syntheticCorpus, syntheticTitle } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import { restartEnv, startUp } from "../restart/lumina-up.ts";
import { availableParallelism } from "node:os";
import { askWhile, cpuQuiet, type Phase, phaseRow, poolTexts, stageTable } from "./phases.ts";
import { machineCpu, threadCpu, threadRows } from "./threads.ts";

const { values } = parseArgs({
  options: {
    articles: { type: "string", default: "300" },
    after: { type: "string", default: "30" },
    quiet: { type: "string", default: "30" },
    env: { type: "string", multiple: true, default: [] },
    keep: { type: "boolean", default: false },
  },
});
const articles = Number(values.articles);
const say = (line: string) => process.stderr.write(`${line}\n`);
const extra = Object.fromEntries(
  values.env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);

/** The embedding pool as the runner starts it with the defaults (one shared thread per core). */
const POOL_DEFAULTS = {
  EMBEDDER: "use-lite",
  EMBED_MODEL: "bge-small-en-v1.5",
  EMBED_THREADS: "auto",
} as const;

const rate = async (embedder: Embedder, texts: string[]) => {
  const started = performance.now();
  await embedder.embed(texts);
  return texts.length / ((performance.now() - started) / 1000);
};

/**
 * Chunks a second that one embedding thread alone embeds (a pool of one, EMBED_THREADS=1), on chunk
 * texts Lumina stored, and what the default pool's threads do together with nothing else running: the
 * ceiling of the ratio on this machine. Measured after the run, in alternating rounds (rounds vary by
 * ±15 % on the 2-core VM); the fastest round of each, the figure most favourable to one thread.
 */
async function alone(dataDir: string): Promise<{ one: number; pool: number; chunksPerArticle: number }> {
  const store = await LanceDbStore.open(join(dataDir, "vectors"));
  const chunks = await store.count(COLLECTIONS.chunks);
  // The texts the indexer embeds: "title. section. chunk" (services/indexer/src/domain/chunk-records.ts).
  const hits = await store.query(COLLECTIONS.chunks, {
    mode: "sparse",
    text: "synthetic world measure topic",
    limit: 120,
    fields: ["text", "title", "section"],
  });
  const texts = hits.map((h) => `${String(h.payload.title)}. ${String(h.payload.section)}. ${h.text}`);
  await store.close();
  const lane = { lane: "background" } as const;
  const single = await loadEmbedder({ ...POOL_DEFAULTS, EMBED_THREADS: "1", DATA_DIR: dataDir }, lane);
  const pooled = await loadEmbedder({ ...POOL_DEFAULTS, DATA_DIR: dataDir }, lane);
  await Promise.all([single.embed(texts.slice(0, 8)), pooled.embed(texts.slice(0, 16))]); // threads loaded
  let [one, pool] = [0, 0];
  for (let round = 0; round < 3; round++) {
    one = Math.max(one, await rate(single, texts));
    pool = Math.max(pool, await rate(pooled, [...texts, ...texts]));
  }
  await Promise.all([single.close(), pooled.close()]);
  return { one, pool, chunksPerArticle: chunks / articles };
}

const wiki = await startWikiFixture({ corpus: syntheticCorpus(articles) });
const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-live-"));
const env = { ...(await restartEnv(dataDir, wiki.apiUrl)), ...extra };
const up = startUp(env);
const phases: Phase[] = [];
let ingestSeconds = NaN;
let ingestCpu: string[] = [];
try {
  await up.banner;
  const redis = new Redis(Number(env.LOCAL_REDIS_PORT));
  const chatUrl = `http://127.0.0.1:${env.CHAT_PORT}/chat`;
  const metricsUrl = `http://127.0.0.1:${env[metricsPortVar("rag-worker")]}/metrics`;
  const indexerMetricsUrl = `http://127.0.0.1:${env[metricsPortVar("indexer")]}/metrics`;
  const textsBefore = await poolTexts(indexerMetricsUrl);
  const started = performance.now();
  const [threadsBefore, machineBefore] = [await threadCpu(up.pid), await machineCpu()];
  for (let i = 0; i < articles; i++)
    await redis.xadd("crawl:req", "*", "url", syntheticTitle(i), "why", "seed");
  say(`${articles} articles requested; asking while they are read`);
  const read = () => redis.scard(KG.nodes);
  phases.push(await askWhile("while ingesting", chatUrl, metricsUrl, async () => (await read()) < articles));
  ingestSeconds = (performance.now() - started) / 1000;
  const [threadsAfter, machineAfter] = [await threadCpu(up.pid), await machineCpu()];
  const textsAfter = await poolTexts(indexerMetricsUrl);
  const texts = [...textsAfter].map(([lane, n]) => `${lane} ${n - (textsBefore.get(lane) ?? 0)}`);
  const cores = availableParallelism();
  const busy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
  ingestCpu = [
    `CPU while ingesting (${ingestSeconds.toFixed(1)} s × ${cores} cores; the machine was ${(100 * busy).toFixed(0)} % busy):`,
    "",
    "| process/thread | CPU s | share |",
    "|---|---|---|",
    ...threadRows(threadsBefore, threadsAfter, ingestSeconds, cores),
    "",
    `Texts the embedding pool embedded while ingesting, by lane: ${texts.join(", ")}.`,
    "",
  ];
  say(`read ${await read()} articles in ${ingestSeconds.toFixed(1)} s; asking for ${values.after} s more`);
  const afterEnd = Date.now() + Number(values.after) * 1000;
  phases.push(
    await askWhile("after ingest (background work)", chatUrl, metricsUrl, async () => Date.now() < afterEnd),
  );
  say("waiting for the process to be quiet");
  const quietMs = await cpuQuiet(up.pid, 300_000);
  say(`quiet after ${(quietMs / 1000).toFixed(0)} s more; asking for ${values.quiet} s`);
  const quietEnd = Date.now() + Number(values.quiet) * 1000;
  phases.push(await askWhile("quiet after ingest", chatUrl, metricsUrl, async () => Date.now() < quietEnd));
  redis.disconnect();
} finally {
  await up.stop();
  await wiki.close();
}
const { one, pool, chunksPerArticle } = await alone(dataDir);
if (values.keep) say(`DATA_DIR kept: ${dataDir}`);
else await rm(dataDir, { recursive: true, force: true });
const oneThreadArticles = one / chunksPerArticle;
const settings = Object.keys(extra).length ? ` with ${values.env.join(" ")}` : " (defaults)";
console.log(
  [
    "",
    `A live Lumina${settings}, USE-lite, ${articles} generated articles, one client asking every 250 ms:`,
    "",
    "| phase | answers | HTTP p50 | HTTP p95 | overhead_ms p50 | overhead_ms p95 | event-loop delay p99 / max | main-thread GC pauses / total / ≥ 10 ms |",
    "|---|---|---|---|---|---|---|---|",
    ...phases.map(phaseRow),
    "",
    ...phases.flatMap((p) => p.failures.map((why) => `Failed (${p.label}): ${why}`)),
    ...ingestCpu,
    "Where a turn's time goes (the answers' Server-Timing; stages overlap):",
    "",
    ...stageTable(phases),
    "",
    `Ingest: ${(articles / ingestSeconds).toFixed(2)} articles/s (${ingestSeconds.toFixed(1)} s for ${articles}); ` +
      `one embedding thread alone (best of 3, EMBED_THREADS=1): ${one.toFixed(1)} chunks/s = ${oneThreadArticles.toFixed(2)} articles/s ` +
      `at ${chunksPerArticle.toFixed(1)} chunks an article; ratio ${(articles / ingestSeconds / oneThreadArticles).toFixed(2)}×`,
    `The pool's ${sharedThreads("auto")} embedding threads alone (best of 3): ${pool.toFixed(1)} chunks/s, ` +
      `${(pool / one).toFixed(2)}× one thread: the most ingest could reach here if nothing else ran.`,
  ].join("\n"),
);
