/**
 * bench/ingest — articles/s end to end (fixture Wikipedia → crawler → graph:add → indexer → vector store
 * and knowledge graph) and seed → WebSocket latency (XADD crawl:req → NODE frame on ws-bridge), with the
 * whole one-process runner (npm start) against a local redis-server.
 * Usage: npm run bench:ingest -- [--embedders use-lite,hashing] [--samples 20]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { metricsPortVar, SERVICES, startLumina } from "@lumina/cli";
import { sharedData, startRedisServer } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import { Corpus, startWikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import WebSocket from "ws";

const { values } = parseArgs({
  options: {
    embedders: { type: "string", default: "use-lite,hashing" },
    samples: { type: "string", default: "20" },
  },
});
const SAMPLES = Number(values.samples);
const corpus = Corpus.fromDirectory(sharedData("wiki/wikitext"));
const titles = corpus.titles().filter((t) => t !== "Redirect"); // a redirect to Toronto, not an article
for (let i = 0; i < SAMPLES; i++) {
  corpus.add(
    `Latency probe ${i}`,
    `'''Latency probe ${i}''' is a synthetic page for bench/ingest. It links to [[Bodmin]].`,
  );
}
const server = await startRedisServer({ appendonly: true });
const wiki = await startWikiFixture({ corpus });
const redis = new Redis(server.url);
// Render every page once before timing: on the real site, rendering is Wikipedia's work, not ours.
for (const t of [...titles, ...corpus.titles().filter((x) => x.startsWith("Latency probe"))]) {
  await fetch(`${wiki.apiUrl}?action=parse&format=json&formatversion=2&page=${encodeURIComponent(t)}`).then(
    (r) => r.arrayBuffer(),
  );
}
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;
const rows: string[] = [];

for (const embedder of (values.embedders as string).split(",")) {
  await redis.flushall();
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-ingest-"));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    WIKI_API_URL: wiki.apiUrl,
    EMBEDDER: embedder,
    CRAWL_CONCURRENCY: "4",
    CRAWL_BUDGET_PER_HR: "1000000",
    CRAWL_QUEUE_POLL_MS: "50",
    LOG_LEVEL: "error",
    CHAT_PORT: "0",
    WS_PORT: "0",
    WS_RECENT_NODES: "0",
  };
  for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
  const lumina = await startLumina(env, { REDIS_URL: server.url, DATA_DIR: dataDir, LOCAL_REDIS_PORT: 0 });

  // Throughput: every article seeded at once, timed until the last one is in the knowledge graph.
  process.stderr.write(`bench/ingest [${embedder}]: ${titles.length} real articles…\n`);
  const t0 = performance.now();
  const pipe = redis.pipeline();
  for (const t of titles) pipe.xadd("crawl:req", "*", "url", t, "source", "bench");
  await pipe.exec();
  while ((await redis.scard("kg:nodes")) < titles.length) {
    await new Promise((r) => setTimeout(r, 20));
    if (performance.now() - t0 > 600_000) throw new Error("ingest did not finish within 10 minutes");
  }
  const seconds = (performance.now() - t0) / 1000;
  const metricSum = async (service: string, name: string) => {
    const url = lumina.services.find((x) => x.name === service)?.urls.metrics;
    const text = await fetch(`${url}/metrics`).then((r) => r.text());
    return [...text.matchAll(new RegExp(`^${name}_sum\\{[^}]*\\} ([\\d.e+-]+)$`, "gm"))].reduce(
      (a, m) => a + Number(m[1]),
      0,
    );
  };
  const where = {
    fetch: await metricSum("crawler", "crawl_fetch_duration_seconds"),
    embed: await metricSum("indexer", "embedding_batch_seconds"),
    index: await metricSum("indexer", "bus_handler_duration_seconds"),
  };
  process.stderr.write(
    `  time spent: fetch+parse ${where.fetch.toFixed(1)} s (summed over ${env.CRAWL_CONCURRENCY} concurrent fetches), ` +
      `indexer handlers ${where.index.toFixed(1)} s of which embedding ${where.embed.toFixed(1)} s\n`,
  );
  const store = await LanceDbStore.open(join(dataDir, "vectors"));
  const chunks = await store.count("chunks");
  await store.close();

  // Latency: one small article at a time, from XADD to its NODE frame on the WebSocket.
  const wsUrl = `${lumina.services.find((s) => s.name === "ws-bridge")?.urls.ws?.replace("http", "ws")}/stream`;
  const ws = new WebSocket(wsUrl);
  await new Promise((r) => ws.once("open", r));
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const title = `Latency probe ${i}`;
    const arrived = new Promise<void>((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const frame = JSON.parse(String(data)) as { type: string; title?: string };
        if (frame.type === "NODE" && frame.title === title) {
          ws.off("message", onMessage);
          resolve();
        }
      };
      ws.on("message", onMessage);
    });
    const sent = performance.now();
    await redis.xadd("crawl:req", "*", "url", title, "source", "bench");
    await arrived;
    latencies.push(performance.now() - sent);
  }
  ws.close();
  await lumina.stop();
  await rm(dataDir, { recursive: true, force: true });
  rows.push(
    `| ${embedder} | ${titles.length} | ${chunks} | ${seconds.toFixed(1)} | ${(titles.length / seconds).toFixed(1)} | ${(chunks / seconds).toFixed(0)} | ${pct(latencies, 50).toFixed(0)} | ${pct(latencies, 95).toFixed(0)} |`,
  );
}

console.log(
  [
    "",
    `| embedder | articles | chunks | seconds | articles/s | chunks/s | seed→WS p50 ms | seed→WS p95 ms (n=${SAMPLES}) |`,
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n"),
);
redis.disconnect();
await wiki.close();
await server.stop();
