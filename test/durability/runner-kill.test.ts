import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { metricsPortVar, SERVICES } from "@lumina/cli";
import { ALL_STREAMS, deadLetterStream, KG } from "@lumina/events";
import { freePort, waitFor } from "@lumina/testing";
import { startWikiFixture, syntheticCorpus, syntheticTitle, type WikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drained } from "../../bench/chaos/chaos.ts";

// Issue #7, durability: the one-process runner (`lumina up`, what `npm start` runs) killed with
// SIGKILL in the middle of an ingest and started again. Nothing may be lost or doubled: once it has
// caught up, `lumina doctor --verify` finds the article files, the knowledge graph, the vector store
// and the journal in agreement; and the vector store rebuilt from graphs/ alone agrees as well.
const PAGES = 150;
const BIN = fileURLToPath(new URL("../../cli/bin/lumina.js", import.meta.url));

let wiki: WikiFixture;
let env: Record<string, string>;
let redis: Redis;
let runner: ChildProcess | undefined;

function startRunner(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "up"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  runner = child;
  return waitFor("lumina up's banner", () => out.includes("Stop with Ctrl-C"), { timeoutMs: 60_000 }).then(
    () => child,
    (err: unknown) => {
      throw new Error(`${String(err)}\n--- lumina up said:\n${out}`);
    },
  );
}

async function stopRunner(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  runner = undefined;
}

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, maxBuffer: 16 << 20 }, (error, out, err) =>
      resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

async function verify(): Promise<{
  articles: number;
  nodes: number;
  chunks: number;
  differences: unknown[];
}> {
  const { code, out, err } = await cli(["doctor", "--verify", "--json"]);
  const report = JSON.parse(out) as {
    verify: { articles: number; nodes: number; chunks: number; differences: unknown[] };
  };
  if (code !== 0) throw new Error(`lumina doctor --verify exited ${code}: ${out}\n${err}`);
  return report.verify;
}

beforeAll(async () => {
  // 40 ms a page with two fetches at once: about 50 articles/s, so the kill lands mid-ingest.
  wiki = await startWikiFixture({ corpus: syntheticCorpus(PAGES), latencyMs: 40 });
  const port = await freePort();
  env = {
    ...(process.env as Record<string, string>),
    DATA_DIR: await mkdtemp(join(tmpdir(), "lumina-durability-")),
    LOCAL_REDIS_PORT: String(port),
    WIKI_API_URL: wiki.apiUrl,
    EMBEDDER: "hashing",
    CHAT_PORT: "0",
    WS_PORT: "0",
    MEMORY_PORT: "0",
    LOG_LEVEL: "warn",
    CRAWL_BUDGET_PER_HR: "1000000",
    CRAWL_QUEUE_POLL_MS: "100",
    CRAWL_STALL_MS: "2000",
    RECLAIM_IDLE_MS: "2000",
  };
  for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
  redis = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: null, lazyConnect: true });
  redis.on("error", () => {}); // down between the kill and the restart: commands wait and retry
});

afterAll(async () => {
  if (runner) await stopRunner(runner);
  redis.disconnect();
  await wiki.close();
  await rm(env.DATA_DIR as string, { recursive: true, force: true });
});

describe("durability: kill -9 of the one-process runner mid-ingest", () => {
  it("catches up after a restart with graph, vectors and journal in agreement, and rebuilds the store from graphs/", async () => {
    const first = await startRunner();
    await redis.connect();
    for (let i = 0; i < PAGES; i++)
      await redis.xadd("crawl:req", "*", "url", syntheticTitle(i), "source", "test");
    await waitFor("a third of the articles read", async () => (await redis.scard(KG.nodes)) >= PAGES / 3, {
      timeoutMs: 60_000,
    });
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const atKill = await redis.scard(KG.nodes); // its redis-server outlives it until the restart
    expect(atKill).toBeLessThan(PAGES); // the kill did land mid-ingest

    const restarted = Date.now();
    const second = await startRunner();
    await waitFor("every article read, every stream drained", () => drained(redis, PAGES), {
      timeoutMs: 120_000,
    });
    const caughtUpS = (Date.now() - restarted) / 1000;
    const after = await verify();
    process.stdout.write(
      `durability: killed with ${atKill}/${PAGES} articles read; restarted and caught up in ${caughtUpS.toFixed(1)} s; ` +
        `verify: ${after.articles} article files, ${after.nodes} nodes, ${after.chunks} chunks, ${after.differences.length} differences\n`,
    );
    expect(after).toMatchObject({ articles: PAGES, nodes: PAGES, differences: [] });
    for (const { name } of ALL_STREAMS) expect(await redis.xlen(deadLetterStream(name))).toBe(0);
    await stopRunner(second);

    // The vector store lost entirely, rebuilt from DATA_DIR/graphs alone, agrees again.
    await rm(join(env.DATA_DIR as string, "vectors"), { recursive: true, force: true });
    const reindexed = await cli(["reindex"]);
    expect(reindexed.code).toBe(0);
    expect(reindexed.out).toContain(`reindex: done, ${PAGES} articles, ${after.chunks} chunks`);
    const third = await startRunner();
    expect(await verify()).toMatchObject({
      articles: PAGES,
      nodes: PAGES,
      chunks: after.chunks,
      differences: [],
    });
    await stopRunner(third);
  }, 300_000);
});
