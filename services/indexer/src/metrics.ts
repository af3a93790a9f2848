import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { poolStats } from "@lumina/embeddings";
import type { Redis } from "ioredis";
import { KG } from "./knowledge-graph.ts";

/** Threads are of two kinds (the chat thread, shared ones); jobs queue in three lanes. */
const POOL_LANES = {
  threads: ["interactive", "background"],
  queued: ["interactive", "background", "idle"],
} as const;

type PoolField = "threads" | "queued" | "embedded";

/** One field of PoolStats for `lane`, summed over the embedding pools of this process. */
const laneTotal = (field: PoolField, lane: string): number =>
  poolStats().reduce((n, p) => n + ((p[field] as Record<string, number>)[lane] ?? 0), 0);

/** A gauge by lane over the embedding pools of this process (libs/embeddings), read at each scrape. */
function poolGauge(registry: Registry, name: string, help: string, field: "threads" | "queued") {
  return new Gauge({
    name,
    help,
    labelNames: ["lane"],
    registers: [registry],
    collect() {
      for (const lane of POOL_LANES[field]) this.set({ lane }, laneTotal(field, lane));
    },
  });
}

/** Texts the embedding pools of this process have embedded, by lane, read at each scrape. */
function poolTexts(registry: Registry) {
  return new Counter({
    name: "embed_pool_texts_total",
    help: "Texts this process's embedding pool has embedded, by the lane they came in",
    labelNames: ["lane"],
    registers: [registry],
    collect() {
      this.reset(); // a counter cannot be set: emptied, then given the pools' totals
      for (const lane of POOL_LANES.queued) this.inc({ lane }, laneTotal("embedded", lane));
    },
  });
}

export function createIndexerMetrics(registry: Registry, redis: Redis) {
  return {
    vectors: new Counter({
      name: "vectors_indexed_total",
      help: "Chunks embedded and written to the vector store",
      registers: [registry],
    }),
    articles: new Counter({
      name: "articles_indexed_total",
      help: "graph:add events fully handled",
      registers: [registry],
    }),
    gaps: new Counter({
      name: "gaps_detected_total",
      help: "gap:req published by the indexer",
      labelNames: ["reason"],
      registers: [registry],
    }),
    embedSeconds: new Histogram({
      name: "embedding_batch_seconds",
      help: "Time to embed one article's chunks",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    poolThreads: poolGauge(
      registry,
      "embed_pool_threads",
      "Worker threads of this process's embedding pool, by lane (interactive: kept for chat queries)",
      "threads",
    ),
    poolQueued: poolGauge(
      registry,
      "embed_pool_queued_jobs",
      "Embedding jobs waiting for a thread in this process's pool, by lane",
      "queued",
    ),
    poolTexts: poolTexts(registry),
    nodes: new Gauge({
      name: "graph_nodes",
      help: "Articles in the knowledge graph",
      registers: [registry],
      async collect() {
        this.set(await redis.scard(KG.nodes));
      },
    }),
  };
}

export type IndexerMetrics = ReturnType<typeof createIndexerMetrics>;
