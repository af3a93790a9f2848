import { join } from "node:path";
import { crawlQueueDepth, readCrawlBacklog, readGroups } from "@lumina/bus";
import { ALL_STREAMS, COLLECTIONS, deadLetterStream, GAPS, KG, PADS } from "@lumina/events";
import { LanceDbStore } from "@lumina/vectors";
import { Value } from "@sinclair/typebox/value";
import type { Redis } from "ioredis";
import { SERVICE_PORTS, serviceUrl } from "../connect.ts";
import { StatusReport } from "./schema.ts";

type Readyz = { ready?: boolean; adapters?: Record<string, string>; fallbacks?: string[] };

/** Everything `lumina status` reports, read from Redis, the embedded vector store and each /readyz. */
export async function collectStatus(
  redis: Redis,
  env: NodeJS.ProcessEnv,
  redisInfo: StatusReport["redis"],
): Promise<StatusReport> {
  const [queues, plan, streams, articles, knowledge, services] = await Promise.all([
    redisInfo.ok ? readQueues(redis) : { crawl: 0, gaps: 0, train_pool: 0, pads_open: 0 },
    redisInfo.ok ? readPlan(redis) : { at: null, candidates: [] },
    redisInfo.ok ? readStreams(redis) : [],
    redisInfo.ok ? redis.scard(KG.nodes) : null,
    readCollections(env),
    readServices(env),
  ]);
  const rag = services.find((s) => s.name === "rag-worker")?.readyz;
  return {
    version: 1,
    at: new Date().toISOString(),
    redis: redisInfo,
    queues,
    plan,
    streams,
    knowledge: { articles, ...knowledge },
    model: {
      llm: rag?.adapters?.llm ?? null,
      adapter: rag?.adapters?.lora ?? null,
      embedder: rag?.adapters?.embedder ?? null,
    },
    services: services.map(({ readyz: _, ...s }) => s),
  };
}

async function readQueues(redis: Redis): Promise<StatusReport["queues"]> {
  const [backlog, gaps, pool, pads] = await Promise.all([
    readCrawlBacklog(redis),
    redis.zcard(GAPS.topics),
    redis.zcard("train:pool:ts"),
    redis.zcard(PADS.deadlines),
  ]);
  return { crawl: crawlQueueDepth(backlog), gaps, train_pool: pool, pads_open: pads };
}

/** The planner's last round (GAPS.plan); a value it cannot read is shown as no round. */
async function readPlan(redis: Redis): Promise<StatusReport["plan"]> {
  const none = { at: null, candidates: [] };
  const raw = await redis.get(GAPS.plan);
  if (!raw) return none;
  try {
    const p = JSON.parse(raw) as { at: number; candidates: StatusReport["plan"]["candidates"] };
    const plan = { at: new Date(p.at).toISOString(), candidates: p.candidates };
    return Value.Check(StatusReport.properties.plan, plan) ? plan : none;
  } catch {
    return none;
  }
}

async function readStreams(redis: Redis): Promise<StatusReport["streams"]> {
  return Promise.all(
    ALL_STREAMS.map(async ({ name }) => {
      const [length, deadLetters, groups] = await Promise.all([
        redis.xlen(name),
        redis.xlen(deadLetterStream(name)),
        readGroups(redis, name),
      ]);
      return {
        name,
        length,
        dead_letters: deadLetters,
        groups,
      };
    }),
  );
}

/** Counts from the embedded store under DATA_DIR (null with Qdrant or when the store cannot be read). */
async function readCollections(env: NodeJS.ProcessEnv): Promise<Omit<StatusReport["knowledge"], "articles">> {
  const none = { chunks: null, memories: null, chat_turns: null };
  if ((env.VECTOR_STORE || "lancedb") !== "lancedb") return none;
  const store = await LanceDbStore.open(join(env.DATA_DIR || "./data", "vectors")).catch(() => undefined);
  if (!store) return none;
  try {
    const count = (c: string) => store.count(c).catch(() => null);
    return {
      chunks: await count(COLLECTIONS.chunks),
      memories: await count(COLLECTIONS.scratchMem),
      chat_turns: await count(COLLECTIONS.chatLong),
    };
  } finally {
    await store.close();
  }
}

async function readServices(env: NodeJS.ProcessEnv) {
  return Promise.all(
    Object.keys(SERVICE_PORTS).map(async (name) => {
      const url = serviceUrl(name, env);
      try {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        const readyz = (await res.json()) as Readyz;
        return {
          name,
          url,
          up: true,
          ready: readyz.ready === true,
          fallbacks: readyz.fallbacks ?? [],
          readyz,
        };
      } catch (err) {
        return { name, url, up: false, ready: false, fallbacks: [], error: String(err), readyz: undefined };
      }
    }),
  );
}
