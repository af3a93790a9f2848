import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedisServer, freePort, waitFor } from "@lumina/testing";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { Value } from "@sinclair/typebox/value";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lumina, metricsPortVar, SERVICES, startLumina } from "../src/index.ts";
import { SERVICE_PORTS } from "../src/connect.ts";
import { StatusReport } from "../src/status/schema.ts";
import { isolatedEnv, runCli } from "./helpers.ts";

let wiki: WikiFixture;
beforeAll(async () => {
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
});
afterAll(() => wiki.close());

describe("lumina doctor", () => {
  it("against a stopped Redis prints the failure and the fix, and exits non-zero", async () => {
    const port = await freePort(); // nothing listens there
    const env = {
      ...(await isolatedEnv()),
      REDIS_URL: `redis://127.0.0.1:${port}`,
      WIKI_API_URL: wiki.apiUrl,
      EMBEDDER: "hashing",
    };
    const { code, out } = await runCli(["doctor", "--verify"], env);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`✗ redis +cannot reach redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    // --verify says why it did not run, instead of saying nothing.
    expect(out).toMatch(
      /^verify: not run: redis failed, and the consistency check reads them; fix that first$/m,
    );
    expect(out).toMatch(/fix: start the Redis at REDIS_URL/);
    expect(out).toMatch(/✓ wikipedia .* ms/); // the other checks still ran
    expect(out).toMatch(/! llm .*extractive/);
  }, 30_000);

  it("passes against a running Redis and says so as JSON", async () => {
    const server = await startRedisServer();
    try {
      const env = {
        ...(await isolatedEnv()),
        REDIS_URL: server.url,
        WIKI_API_URL: wiki.apiUrl,
        EMBEDDER: "hashing",
      };
      const { code, out } = await runCli(["doctor", "--json"], env);
      const report = JSON.parse(out) as { findings: { name: string; status: string; latency_ms?: number }[] };
      // Latencies to a tenth of a millisecond, not fifteen decimals.
      for (const f of report.findings)
        if (f.latency_ms !== undefined) expect(Math.round(f.latency_ms * 10) / 10).toBe(f.latency_ms);
      expect(report.findings.map((f) => [f.name, f.status])).toEqual([
        ["redis", "ok"],
        ["vectors", "ok"],
        ["embedder", "warn"],
        ["llm", "warn"],
        ["wikipedia", "ok"],
      ]);
      expect(code).toBe(0);
    } finally {
      await server.stop();
    }
  }, 30_000);
});

describe("lumina status", () => {
  it("knows every service's metrics port without loading the services", () => {
    expect(SERVICE_PORTS).toEqual(Object.fromEntries(SERVICES.map((s) => [s.NAME, s.METRICS_PORT])));
  });

  let lumina: Lumina;
  let env: Record<string, string>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lumina-status-"));
    env = {
      DATA_DIR: dataDir,
      LOCAL_REDIS_PORT: String(await freePort()),
      CHAT_PORT: "0",
      WS_PORT: "0",
      MEMORY_PORT: "0",
      WIKI_API_URL: wiki.apiUrl,
      EMBEDDER: "hashing",
      LOG_LEVEL: "silent",
      // A budget of 3 an hour: spent in the first planning round, which leaves the planner's queue
      // (Bodmin's other links) as it is for the checks below.
      CRAWL_BUDGET_PER_HR: "3",
    };
    for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
    lumina = await startLumina(env, {
      DATA_DIR: env.DATA_DIR as string,
      LOCAL_REDIS_PORT: Number(env.LOCAL_REDIS_PORT),
    });
    for (const s of lumina.services) env[metricsPortVar(s.name)] = new URL(s.urls.metrics as string).port;
    const redis = new Redis(lumina.redisUrl);
    await redis.xadd("crawl:req", "*", "url", "Bodmin");
    await redis.xadd("gap:req", "*", "topic", "x", "reason", "bogus"); // dead-lettered by the planner
    await waitFor("Bodmin read", async () => (await redis.sismember("kg:nodes", "Bodmin")) === 1, {
      timeoutMs: 30_000,
    });
    await waitFor("dead letter", async () => (await redis.xlen("gap:req:dlq")) === 1);
    // The planner scores Bodmin's links (the wiki has none of them) in its next round.
    await waitFor("a planning round that scored them", async () => {
      const plan = await redis.get("gaps:plan");
      return plan !== null && JSON.parse(plan).candidates.length > 0;
    });
    redis.disconnect();
  }, 60_000);
  afterAll(async () => {
    await lumina?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("--json matches the documented schema and reports what Lumina holds", async () => {
    const { code, out } = await runCli(["status", "--json"], env);
    const report = JSON.parse(out) as StatusReport;
    expect([...Value.Errors(StatusReport, report)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
    expect(code).toBe(0);
    expect(report.redis.ok).toBe(true);
    expect(report.knowledge.articles).toBe(1);
    expect(report.knowledge.chunks).toBeGreaterThan(0);
    expect(report.services.map((s) => [s.name, s.up, s.ready]).every(([, up, ready]) => up && ready)).toBe(
      true,
    );
    expect(report.services).toHaveLength(SERVICES.length);
    const gapReq = report.streams.find((s) => s.name === "gap:req");
    expect(gapReq?.dead_letters).toBe(1);
    expect(gapReq?.groups).toEqual([{ name: "planner", pending: 0, lag: 0 }]);
    expect(report.model.llm).toBe("extractive");
    expect(report.plan.candidates.length).toBeGreaterThan(0);
    const { terms } = report.plan.candidates[0] as StatusReport["plan"]["candidates"][number];
    expect(terms.priority).toBeCloseTo(terms.pagerank * terms.novelty * terms.recency * terms.relevance, 12);
  }, 30_000);

  it("prints a readable summary", async () => {
    const { code, out } = await runCli(["status"], env);
    expect(code).toBe(0);
    expect(out).toMatch(/^Knowledge +articles 1 · chunks \d+/m);
    expect(out).toMatch(/^ {2}gap:req +\d+ +dlq +1 +planner 0\/0$/m);
    expect(out).toMatch(/^ {2}rag-worker +ready/m);
    expect(out).toMatch(
      /^Planner +next reads \(round \d+ s ago\): priority = PageRank × novelty × recency × relevance$/m,
    );
    expect(out).toMatch(/^ {2}\S.* +\S+ = \S+ × \S+ × \S+ × \S+/m);
  }, 30_000);

  it("exits 69 when Redis cannot be reached", async () => {
    const { code, out } = await runCli(["status", "--json"], {
      ...env,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    expect(code).toBe(69);
    expect((JSON.parse(out) as StatusReport).redis.ok).toBe(false);
  }, 30_000);
});
