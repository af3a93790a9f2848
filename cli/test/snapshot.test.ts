import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import { Corpus, startWikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsPortVar, SERVICES, startLumina } from "../src/index.ts";
import { runCli, tempDir } from "./helpers.ts";

// lumina snapshot → lumina restore into an empty DATA_DIR and an empty Redis gives back the same
// articles, chunks, graph and chat history.
const servers: RedisServerHandle[] = [];
beforeAll(async () => {
  servers.push(await startRedisServer(), await startRedisServer());
});
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function storeFacts(dataDir: string) {
  const store = await LanceDbStore.open(join(dataDir, "vectors"));
  try {
    const [sample] = await store.query("chunks", { mode: "sparse", text: "Bodmin", limit: 1 });
    return {
      chunks: await store.count("chunks"),
      chatLong: await store.count("chat_long"),
      sample: sample && (await store.get("chunks", [sample.id]))[0]?.text,
      sampleId: sample?.id,
    };
  } finally {
    await store.close();
  }
}

async function lastingKeys(redis: Redis): Promise<number> {
  let lasting = 0;
  for (const key of await redis.keys("*")) {
    const ttl = await redis.pttl(key);
    if (ttl === -1 || ttl > 60_000) lasting++;
  }
  return lasting;
}

async function redisFacts(redis: Redis) {
  const nodes = (await redis.smembers("kg:nodes")).sort();
  const edges: Record<string, string[]> = {};
  for (const n of nodes) edges[n] = (await redis.smembers(`kg:out:${n}`)).sort();
  const histories = (await redis.keys("chat:history:*")).sort();
  return {
    // Keys meant to vanish within seconds (chat:active after a question, CHAT_QUIET_MS) may expire
    // between the snapshot and the comparison: count the lasting ones.
    keys: await lastingKeys(redis),
    nodes,
    edges,
    summary: await redis.hget("kg:node:Bodmin", "summary"),
    pagerank: await redis.zrange("kg:pagerank", 0, -1, "WITHSCORES"),
    history: await Promise.all(histories.map((k) => redis.lrange(k, 0, -1))),
    pendingCrawlReq: await redis.xlen("crawl:req"),
  };
}

async function chatJournal(dataDir: string): Promise<string> {
  const files = (await readdir(join(dataDir, "graphs", "chat"), { recursive: true })).filter((f) =>
    f.endsWith(".ndjson"),
  );
  return (
    await Promise.all(files.sort().map((f) => readFile(join(dataDir, "graphs", "chat", f), "utf8")))
  ).join("");
}

describe("lumina snapshot and restore", () => {
  it("restore into an empty DATA_DIR and Redis gives back the same articles, chunks, graph and chat history", async () => {
    const [from, to] = servers as [RedisServerHandle, RedisServerHandle];
    const wiki = await startWikiFixture({ corpus: Corpus.bundled() });
    const dataDir = await tempDir("lumina-snap-from-");
    const env: Record<string, string> = {
      REDIS_URL: from.url,
      DATA_DIR: dataDir,
      CHAT_PORT: "0",
      WS_PORT: "0",
      MEMORY_PORT: "0",
      LOG_LEVEL: "silent",
      WIKI_API_URL: wiki.apiUrl,
      EMBEDDER: "hashing",
    };
    for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
    const lumina = await startLumina(env, { REDIS_URL: from.url, DATA_DIR: dataDir, LOCAL_REDIS_PORT: 0 });
    const redis = new Redis(from.url);
    try {
      for (const t of ["Bodmin", "Goryeo ware"]) await redis.xadd("crawl:req", "*", "url", t);
      await waitFor("both read", async () => (await redis.scard("kg:nodes")) === 2, { timeoutMs: 60_000 });
      await waitFor(
        "indexed",
        async () => ((await redis.xpending("graph:add", "indexer")) as [number])[0] === 0,
      );
      const chat = lumina.services.find((s) => s.name === "rag-worker")?.urls.chat as string;
      const res = await fetch(`${chat}/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "Where is Bodmin?", session: "snap" }),
      });
      expect(res.status).toBe(200);
    } finally {
      await lumina.stop(); // a snapshot is taken with Lumina stopped
      await wiki.close();
    }
    const before = {
      redis: await redisFacts(redis),
      store: await storeFacts(dataDir),
      journal: await chatJournal(dataDir),
    };
    redis.disconnect();
    expect(before.store.chatLong).toBe(1);
    expect(before.store.chunks).toBeGreaterThan(2);
    expect(before.store.sample).toContain("Bodmin");
    expect(before.journal).toContain("Where is Bodmin?");
    expect(before.redis.edges.Bodmin?.length).toBeGreaterThan(5);
    expect(before.redis.history).toHaveLength(1);

    const archive = join(await tempDir("lumina-snap-file-"), "snap.tar.gz");
    const snap = await runCli(["snapshot", "--out", archive], env);
    expect(snap.err).toBe("");
    expect(snap.code).toBe(0);
    expect(snap.out).toMatch(/snapshot: .*snap\.tar\.gz \(\d+ Redis keys, 2 articles\)/);

    const restoredDir = await tempDir("lumina-snap-to-");
    const restoreEnv = { ...env, REDIS_URL: to.url, DATA_DIR: restoredDir };
    const restored = await runCli(["restore", archive], restoreEnv);
    expect(restored.err).toBe("");
    expect(restored.code).toBe(0);
    const target = new Redis(to.url);
    try {
      expect(await redisFacts(target)).toEqual(before.redis);
    } finally {
      target.disconnect();
    }
    expect(await storeFacts(restoredDir)).toEqual(before.store);
    expect(await chatJournal(restoredDir)).toBe(before.journal);

    // Not over what is there without --force.
    const again = await runCli(["restore", archive], restoreEnv);
    expect(again.code).toBe(73);
    expect(again.err).toMatch(/holds \d+ keys.*add --force/);
  }, 120_000);
});
