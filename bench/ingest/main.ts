/**
 * bench/ingest — articles/s end to end (fixture Wikipedia → crawler → graph:add → indexer → vector store
 * and knowledge graph) and seed → WebSocket latency (XADD crawl:req → NODE frame on ws-bridge), with the
 * whole one-process runner (npm start) against a local redis-server; the local Wikipedia serves from a
 * process of its own (wiki-process.ts).
 * Usage: npm run bench:ingest -- [--embedders use-lite,hashing] [--samples 20] [--rounds 1]
 *        [--runner one|processes]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { metricsPortVar, SERVICES, startLumina, startLuminaProcesses } from "@lumina/cli";
import { freePort, startRedisServer, waitFor } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { median } from "../stats.ts";
import { benchCorpus, PROBE } from "./wiki-process.ts";

const { values } = parseArgs({
  options: {
    embedders: { type: "string", default: "use-lite,hashing" },
    samples: { type: "string", default: "20" },
    runner: { type: "string", default: "one" },
    rounds: { type: "string", default: "1" },
  },
});
const SAMPLES = Number(values.samples);
const RUNNER = values.runner as string;
/** Each round starts afresh (empty Redis and data directory); a 3-second run varies by ±20 %. */
const ROUNDS = Number(values.rounds);
if (RUNNER !== "one" && RUNNER !== "processes") throw new Error("--runner is one or processes");
const titles = benchCorpus(0)
  .titles()
  .filter((t) => t !== "Redirect"); // a redirect to Toronto, not an article
const server = await startRedisServer({ appendonly: true });
// The local Wikipedia runs in its own process (serving pages is Wikipedia's work, not Lumina's).
const wikiProcess = spawn(
  process.execPath,
  [
    "--import",
    import.meta.resolve("tsx"),
    new URL("./wiki-process.ts", import.meta.url).pathname,
    String(SAMPLES),
  ],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const [ready] = (await Promise.race([
  once(createInterface({ input: wikiProcess.stdout }), "line"),
  once(wikiProcess, "exit").then(([code]) => {
    throw new Error(`the local Wikipedia (wiki-process.ts) exited with ${code} before it was ready`);
  }),
])) as [string];
const wiki = JSON.parse(ready) as { apiUrl: string };
const redis = new Redis(server.url);
/**
 * The whole of Lumina as `npm start` runs it (one process), or as `lumina up --processes` does (each
 * service a process of its own, as under Compose): where its metrics and WebSocket are, and stop().
 */
async function start(env: Record<string, string>, dataDir: string) {
  const config = { REDIS_URL: server.url, DATA_DIR: dataDir, LOCAL_REDIS_PORT: 0 };
  if (RUNNER === "one") {
    for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
    const lumina = await startLumina(env, config);
    const urls = (name: string) => lumina.services.find((x) => x.name === name)?.urls;
    return {
      metrics: (name: string) => urls(name)?.metrics,
      ws: urls("ws-bridge")?.ws,
      stop: () => lumina.stop(),
    };
  }
  const ports = new Map<string, number>();
  for (const s of SERVICES) {
    ports.set(s.NAME, await freePort());
    env[metricsPortVar(s.NAME)] = String(ports.get(s.NAME));
  }
  env.WS_PORT = String(await freePort());
  env.MEMORY_PORT = String(await freePort());
  const lumina = await startLuminaProcesses(env, config);
  const local = (port: string | number | undefined) => `http://127.0.0.1:${port}`;
  // Ready when every service answers on its metrics port.
  for (const [name, port] of ports) {
    await waitFor(`${name} on its metrics port`, () => fetch(`${local(port)}/metrics`).then((r) => r.ok), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
  }

  return {
    metrics: (name: string) => local(ports.get(name)),
    ws: local(env.WS_PORT),
    stop: () => lumina.stop(),
  };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;
const rows: string[] = [];

const rates = new Map<string, number[]>();
const runs = (values.embedders as string)
  .split(",")
  .flatMap((embedder) => Array.from({ length: ROUNDS }, (_, i) => ({ embedder, round: i + 1 })));
for (const { embedder, round } of runs) {
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
    MEMORY_PORT: "0",
    WS_RECENT_NODES: "0",
  };
  const lumina = await start(env, dataDir);

  // Throughput: every article seeded at once, timed until the last one is in the knowledge graph.
  process.stderr.write(
    `bench/ingest [${embedder}, round ${round}/${ROUNDS}]: ${titles.length} real articles…\n`,
  );
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
    const url = lumina.metrics(service);
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
  const wsUrl = `${lumina.ws?.replace("http", "ws")}/stream`;
  const ws = new WebSocket(wsUrl);
  await new Promise((r) => ws.once("open", r));
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const title = PROBE(i);
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
  rates.set(embedder, [...(rates.get(embedder) ?? []), titles.length / seconds]);
  rows.push(
    `| ${embedder} | ${round} | ${titles.length} | ${chunks} | ${seconds.toFixed(1)} | ${(titles.length / seconds).toFixed(1)} | ${(chunks / seconds).toFixed(0)} | ${pct(latencies, 50).toFixed(0)} | ${pct(latencies, 95).toFixed(0)} |`,
  );
}

console.log(
  [
    "",
    `| embedder | round | articles | chunks | seconds | articles/s | chunks/s | seed→WS p50 ms | seed→WS p95 ms (n=${SAMPLES}) |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    ...[...rates].map(
      ([embedder, xs]) =>
        `${embedder}: median ${median(xs).toFixed(1)} articles/s over ${xs.length} round(s), ` +
        `range ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`,
    ),
    "",
  ].join("\n"),
);
redis.disconnect();
wikiProcess.kill("SIGTERM");
await once(wikiProcess, "exit");
await server.stop();
