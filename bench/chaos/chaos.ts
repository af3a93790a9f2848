/**
 * The chaos run of issue #7: every service as its own process (the `lumina up --processes`
 * supervisor) against one Redis with AOF; crawl requests for a synthetic corpus arrive through both
 * entry points (crawl:req and the crawl:queue ZSET) and in three spellings, while one random service
 * is killed with SIGKILL every few seconds (and restarted by the supervisor) and Redis itself is
 * killed and restarted once. Then it waits for Lumina to catch up and checks what it knows.
 * Used by `npm run bench:chaos` (figures) and test/chaos (a shorter run that must pass).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crawlIdle, readCrawlBacklog, readGroups } from "@lumina/bus";
import { metricsPortVar, SERVICES, Supervisor } from "@lumina/cli";
import { ALL_STREAMS, CRAWL, deadLetterStream, KG } from "@lumina/events";
import { verifyConsistency } from "@lumina/indexer";
import { spawnRedisServer, type RedisProcess } from "@lumina/runtime";
import { freePort } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import { startWikiFixture, syntheticCorpus, syntheticTitle } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";

export interface ChaosOptions {
  /** Articles in the synthetic corpus: the exact set Lumina must end up knowing. */
  pages: number;
  /** Crawl requests sent (every page at least once when requests ≥ pages; the rest are repeats). */
  requests: number;
  /** Requests are spread over this long. */
  sendMs: number;
  /** A random service is killed this often while requests are outstanding. */
  killEveryMs: number;
  /** Give up waiting for Lumina to catch up after this long (the run then fails). */
  drainTimeoutMs: number;
  /** Wiki latency per page. */
  latencyMs: number;
  onLine?: (line: string) => void;
}

export interface ChaosReport {
  pages: number;
  requests: number;
  kills: Record<string, number>;
  redis_restarts: number;
  chaos_s: number;
  catch_up_s: number | null;
  nodes: number;
  missing_titles: string[];
  unexpected_titles: string[];
  chunks: number;
  consistency_differences: number;
  first_differences: string[];
  pending_left: number;
  dead_letters: Record<string, number>;
  crawl_jobs_failed: number;
  graph_add_entries: number;
  /** Every property of the issue held. */
  ok: boolean;
}

const CHUNK_CHARS = 1200;
const CHUNK_OVERLAP_CHARS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const say = opts.onLine ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), "lumina-chaos-"));
  const port = await freePort();
  const startRedis = () =>
    spawnRedisServer({
      port,
      dir,
      appendonly: true,
      logFile: join(dir, "redis.log"),
      // what docker-compose.yml runs; a SIGKILL of redis-server loses nothing acknowledged (the
      // AOF is written before replies; everysec only defers the fsync, which matters for host crashes)
      extraArgs: ["--appendfsync", "everysec", "--save", ""],
    });
  let redisServer: RedisProcess = await startRedis();
  const wiki = await startWikiFixture({ corpus: syntheticCorpus(opts.pages), latencyMs: opts.latencyMs });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  redis.on("error", () => {}); // down while Redis restarts: commands wait and are retried
  const dataDir = join(dir, "data");
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    REDIS_URL: redisServer.url,
    DATA_DIR: dataDir,
    WIKI_API_URL: wiki.apiUrl,
    EMBEDDER: "hashing",
    LOG_LEVEL: "warn",
    CHAT_PORT: "0",
    WS_PORT: "0",
    MEMORY_PORT: "0",
    CRAWL_BUDGET_PER_HR: "1000000",
    CRAWL_QUEUE_POLL_MS: "200",
    CRAWL_STALL_MS: "3000",
    RECLAIM_IDLE_MS: "3000",
    CHUNK_CHARS: String(CHUNK_CHARS),
    CHUNK_OVERLAP_CHARS: String(CHUNK_OVERLAP_CHARS),
  };
  for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
  const supervisor = new Supervisor({
    envFor: () => ({ ...env, METRICS_PORT: "0" }),
    logDir: join(dir, "logs"),
    restartDelayMs: 300,
  });
  const kills: Record<string, number> = Object.fromEntries(SERVICES.map((s) => [s.NAME, 0]));
  let redisRestarts = 0;
  try {
    await supervisor.start(SERVICES.map((s) => s.NAME));
    say(`chaos: ${SERVICES.length} services as processes, Redis (AOF) on ${port}, logs in ${dir}/logs`);

    // Requests in three spellings through both entry points: all are the same article.
    const origin = new URL(wiki.apiUrl).origin;
    const spell = (i: number) => {
      const title = syntheticTitle(i % opts.pages);
      return [title, title.replace(/ /g, "_"), `${origin}/wiki/${title.replace(/ /g, "_")}`][i % 3] as string;
    };
    const started = Date.now();
    let sent = 0;
    const sender = (async () => {
      for (; sent < opts.requests; sent++) {
        if (sent % 4 === 3) await redis.zadd(CRAWL.zset, 0, syntheticTitle(sent % opts.pages));
        else await redis.xadd("crawl:req", "*", "url", spell(sent), "source", "chaos");
        await sleep(opts.sendMs / opts.requests);
      }
    })();

    // One service killed every killEveryMs, Redis killed once halfway through sending.
    const names = SERVICES.map((s) => s.NAME);
    let killing = true;
    const killer = (async () => {
      let redisDone = false;
      while (killing) {
        await sleep(opts.killEveryMs);
        if (!killing) break;
        if (!redisDone && sent >= opts.requests / 2) {
          redisDone = true;
          say(`chaos: ${sent} requests sent; kill -9 redis-server, restart in 1 s`);
          await redisServer.stop("SIGKILL");
          await sleep(1_000);
          redisServer = await startRedis();
          redisRestarts++;
          continue;
        }
        const name = names[Math.floor(Math.random() * names.length)] as string;
        if (supervisor.kill(name, "SIGKILL")) kills[name] = (kills[name] ?? 0) + 1;
      }
    })();

    const expected = new Set(Array.from({ length: opts.pages }, (_, i) => syntheticTitle(i)));
    let lastLine = 0;
    // Kill while there is work: until every request is sent and every page read.
    while (sent < opts.requests || (await redis.scard(KG.nodes)) < opts.pages) {
      if (Date.now() - started > opts.sendMs + opts.drainTimeoutMs) break;
      if (Date.now() - lastLine > 5_000) {
        lastLine = Date.now();
        say(
          `chaos: ${((Date.now() - started) / 1000).toFixed(0)} s, ${sent}/${opts.requests} requests sent, ` +
            `${await redis.scard(KG.nodes)}/${opts.pages} articles read, kills ${JSON.stringify(kills)}`,
        );
      }
      await sleep(250);
    }
    killing = false;
    await Promise.all([sender, killer]);
    const chaosS = (Date.now() - started) / 1000;
    say(`chaos: stopped killing after ${chaosS.toFixed(1)} s; waiting for every stream to drain`);

    const drainStart = Date.now();
    let caughtUp = false;
    while (Date.now() - drainStart < opts.drainTimeoutMs) {
      if (await drained(redis, opts.pages)) {
        // still drained a moment later: nothing was in flight between the reads
        await sleep(1_500);
        if (await drained(redis, opts.pages)) {
          caughtUp = true;
          break;
        }
      }
      await sleep(500);
    }
    const catchUpS = caughtUp ? (Date.now() - drainStart) / 1000 : null;

    const nodes = new Set(await redis.smembers(KG.nodes));
    const store = await LanceDbStore.open(join(dataDir, "vectors"));
    const verify = await verifyConsistency({
      graphsDir: join(dataDir, "graphs"),
      store,
      redis,
      chunkChars: CHUNK_CHARS,
      overlapChars: CHUNK_OVERLAP_CHARS,
    }).finally(() => store.close());
    let pendingLeft = 0;
    const deadLetters: Record<string, number> = {};
    for (const { name } of ALL_STREAMS) {
      for (const g of await readGroups(redis, name)) pendingLeft += g.pending + (g.lag ?? 0);
      deadLetters[name] = await redis.xlen(deadLetterStream(name));
    }
    const report: ChaosReport = {
      pages: opts.pages,
      requests: opts.requests,
      kills,
      redis_restarts: redisRestarts,
      chaos_s: chaosS,
      catch_up_s: catchUpS,
      nodes: nodes.size,
      missing_titles: [...expected].filter((t) => !nodes.has(t)),
      unexpected_titles: [...nodes].filter((t) => !expected.has(t)),
      chunks: verify.chunks,
      consistency_differences: verify.differences.length,
      first_differences: verify.differences.slice(0, 5).map((d) => `${d.kind} ${d.title ?? ""}: ${d.detail}`),
      pending_left: pendingLeft,
      dead_letters: deadLetters,
      crawl_jobs_failed: await redis.zcard(`bull:${CRAWL.queueName}:failed`),
      graph_add_entries: await redis.xlen("graph:add"),
      ok: false,
    };
    report.ok =
      caughtUp &&
      report.missing_titles.length === 0 &&
      report.unexpected_titles.length === 0 &&
      report.consistency_differences === 0 &&
      report.pending_left === 0 &&
      Object.values(deadLetters).every((n) => n === 0) &&
      report.crawl_jobs_failed === 0;
    return report;
  } finally {
    await supervisor.stop();
    redis.disconnect();
    await redisServer.stop();
    await wiki.close();
    if (process.env.CHAOS_KEEP !== "1") await rm(dir, { recursive: true, force: true });
  }
}

/** Every page read, every group's pending list and lag empty, nothing left to crawl. */
export async function drained(redis: Redis, pages: number): Promise<boolean> {
  if ((await redis.scard(KG.nodes)) < pages) return false;
  for (const { name } of ALL_STREAMS)
    for (const g of await readGroups(redis, name)) if (g.pending + (g.lag ?? 0) > 0) return false;
  return crawlIdle(await readCrawlBacklog(redis));
}
