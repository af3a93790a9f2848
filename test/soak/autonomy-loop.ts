import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start as startCompressor } from "@lumina/compressor";
import { start as startCrawler } from "@lumina/crawler";
import { GraphAdd, decodeEvent } from "@lumina/events";
import { start as startIndexer } from "@lumina/indexer";
import { start as startPlanner } from "@lumina/planner";
import { start as startRagWorker } from "@lumina/rag-worker";
import type { RunningService } from "@lumina/runtime";
import { start as startScratchVm } from "@lumina/scratch-vm";
import { type RedisServerHandle, scrapeMetric, startRedisServer } from "@lumina/testing";
import { type Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";

type Starter = (env: Record<string, string>) => Promise<RunningService>;
/** The loop's services in the order they start (the rag-worker before scratch-vm, which may ask it). */
const STARTERS = {
  indexer: startIndexer,
  crawler: startCrawler,
  planner: startPlanner,
  "rag-worker": startRagWorker,
  "scratch-vm": startScratchVm,
  compressor: startCompressor,
} satisfies Record<string, Starter>;
type ServiceName = keyof typeof STARTERS;

/** One article as the crawler published it, in order: its title and why it was read. */
export interface Read {
  title: string;
  why: string | undefined;
  parent: string | undefined;
  at: number;
}

export interface AutonomyLoop {
  redis: Redis;
  wiki: WikiFixture;
  services: Record<string, RunningService>;
  dataDir: string;
  /** Every article read so far, in the order the crawler published them (graph:add). */
  reads(): Promise<Read[]>;
  /** The crawl queue depth as the crawler reports it (`crawl_queue_depth`). */
  depth(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The autonomy loop as `npm start` runs it — crawler, indexer and planner, optionally scratch-vm,
 * compressor and rag-worker — on a real redis-server and a local wiki serving `corpus`, with the
 * defaults a user gets: only what the machine forces is set (ports, DATA_DIR, the wiki's URL, quiet
 * logs), plus `env` for what a caller is measuring (a benchmark's comparison run).
 */
export async function startAutonomyLoop(opts: {
  corpus: Corpus;
  latencyMs: number;
  with?: ("scratch-vm" | "compressor" | "rag-worker")[];
  env?: Record<string, string>;
  /** variables for one service only, on top of `env` */
  envFor?: Partial<Record<ServiceName, Record<string, string>>>;
}): Promise<AutonomyLoop> {
  const server: RedisServerHandle = await startRedisServer();
  const redis = new Redis(server.url);
  const wiki = await startWikiFixture({ corpus: opts.corpus, latencyMs: opts.latencyMs });
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-autonomy-"));
  const env = {
    REDIS_URL: server.url,
    DATA_DIR: dataDir,
    METRICS_PORT: "0",
    CHAT_PORT: "0",
    LOG_LEVEL: "silent",
    WIKI_API_URL: wiki.apiUrl,
    ...opts.env,
  };
  const services: Record<string, RunningService> = {};
  const also = new Set<ServiceName>(["indexer", "crawler", "planner", ...(opts.with ?? [])]);
  try {
    for (const [name, start] of Object.entries(STARTERS) as [ServiceName, Starter][])
      if (also.has(name)) services[name] = await start({ ...env, ...opts.envFor?.[name] });
  } catch (err) {
    for (const s of Object.values(services).reverse()) await s.stop();
    throw err;
  }
  return {
    redis,
    wiki,
    services,
    dataDir,
    async reads() {
      const entries = (await redis.xrange(GraphAdd.name, "-", "+")) as [string, string[]][];
      return entries.flatMap(([id, flat]) => {
        const fields: Record<string, string> = {};
        for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
        const r = decodeEvent(GraphAdd, fields);
        if (!r.ok) return [];
        const p = r.event.provenance;
        return [{ title: r.event.title, why: p?.why, parent: p?.parent, at: Number(id.split("-")[0]) }];
      });
    },
    depth: () => scrapeMetric(services.crawler?.urls.metrics as string, "crawl_queue_depth"),
    async stop() {
      for (const s of Object.values(services).reverse()) await s.stop();
      redis.disconnect();
      await wiki.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
