import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { metricsPortVar, SERVICES, startLocalRedis } from "@lumina/cli";
import { start as startCrawler } from "@lumina/crawler";
import { syntheticTitle } from "@lumina/wiki-fixture";
import { freePort } from "@lumina/testing";
import { Redis } from "ioredis";

const BIN = fileURLToPath(new URL("../../cli/bin/lumina.js", import.meta.url));

export interface Up {
  /** ms from spawn to the "Stop with Ctrl-C" banner */
  banner: Promise<number>;
  startedAt: number;
  /** the `lumina up` process */
  pid: number;
  /** its output lines that match `watch` (startUp's option), in order */
  watched: string[];
  stop(): Promise<void>;
}

/** The environment of a `lumina up` under test: the defaults, a local wiki, ports of its own. */
export async function restartEnv(dataDir: string, wikiApiUrl: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    WIKI_API_URL: wikiApiUrl,
    LOCAL_REDIS_PORT: String(await freePort()),
    CHAT_PORT: String(await freePort()),
    WS_PORT: String(await freePort()),
    MEMORY_PORT: String(await freePort()),
    LOG_LEVEL: "warn",
  };
  for (const s of SERVICES) env[metricsPortVar(s.NAME)] = String(await freePort());
  return env;
}

/**
 * `lumina up` as a child process; stop() sends SIGTERM and waits for it to exit. Lines of its output
 * that match `watch` are kept in `watched` (a log line a benchmark counts).
 */
export function startUp(env: Record<string, string>, watch?: RegExp): Up {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [BIN, "up"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const watched: string[] = [];
  let partial = "";
  const keep = (b: Buffer) => {
    if (!watch) return;
    const lines = (partial + b.toString()).split("\n");
    partial = lines.pop() ?? "";
    watched.push(...lines.filter((l) => watch.test(l)));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", (b: Buffer) => {
    out += b.toString();
    keep(b);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const banner = new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (b: Buffer) => {
      if (b.toString().includes("Stop with Ctrl-C")) resolve(Math.round(performance.now() - startedAt));
    });
    void exited.then(() => reject(new Error(`lumina up exited before its banner:\n${out.slice(-2000)}`)));
  });
  return {
    banner,
    startedAt,
    pid: child.pid as number,
    watched,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls POST /chat until it answers 200: ms from spawn to the banner and to that first answer. */
export async function timeToFirstAnswer(
  up: Up,
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<{ bannerMs: number; answerMs: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${env.CHAT_PORT}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "What is Synthetic topic 1?", session: "bench" }),
      signal: AbortSignal.timeout(5_000),
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      const answerMs = Math.round(performance.now() - up.startedAt);
      return { bannerMs: await up.banner, answerMs };
    }
    if (performance.now() > deadline) throw new Error(`no answer from /chat within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** graph:add entries the indexer group has not acknowledged or not read yet. */
export async function unindexed(env: Record<string, string>): Promise<number> {
  const redis = new Redis(Number(env.LOCAL_REDIS_PORT));
  try {
    const groups = (await redis.xinfo("GROUPS", "graph:add")) as unknown[][];
    const indexer = groups
      .map((g) => Object.fromEntries(g.flatMap((v, i) => (i % 2 === 0 ? [[v, g[i + 1]]] : []))))
      .find((g) => g.name === "indexer");
    return Number(indexer?.pending ?? 0) + Number(indexer?.lag ?? 0);
  } finally {
    redis.disconnect();
  }
}

/**
 * With Lumina stopped: its Redis and the crawler alone fetch `count` articles onto graph:add, so that
 * the next `lumina up` finds them waiting for the indexer.
 */
export async function fetchBacklog(env: Record<string, string>, count: number, say: (l: string) => void) {
  const local = await startLocalRedis(env.DATA_DIR as string, Number(env.LOCAL_REDIS_PORT));
  const crawler = await startCrawler({
    ...env,
    REDIS_URL: local.url,
    METRICS_PORT: "0",
    LOG_LEVEL: "silent",
  });
  const redis = new Redis(local.url);
  try {
    say(`the crawler alone fetches ${count} articles`);
    const before = await redis.xlen("graph:add");
    for (let i = 0; i < count; i++) await redis.xadd("crawl:req", "*", "url", syntheticTitle(i + 1000));
    const deadline = Date.now() + 300_000;
    while ((await redis.xlen("graph:add")) < before + count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
  } finally {
    redis.disconnect();
    await crawler.stop();
    await local.stop();
  }
}
