/**
 * bench/cli — how long the `lumina` command takes, start to exit, as people run it: `--help`, `seed`
 * against a real redis-server, `ask` against a real rag-worker, and `seed` with Redis down (it must
 * answer, not hang). Each run `node cli/bin/lumina.js` and `npx lumina` (npx adds its own start-up).
 * Usage: npm run bench:cli -- [--runs 7]
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { start as startRagWorker } from "@lumina/rag-worker";
import { freePort, startRedisServer } from "@lumina/testing";
import { median } from "../stats.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Number(values.runs);
const root = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(root, "cli/bin/lumina.js");

function timeOnce(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ ms: number; code: number }> {
  const t = performance.now();
  return new Promise((resolve) =>
    execFile(cmd, args, { cwd: root, env: { ...process.env, ...env } }, (err) =>
      resolve({ ms: performance.now() - t, code: err ? Number(err.code ?? 1) : 0 }),
    ),
  );
}

async function timed(label: string, args: string[], env: Record<string, string>): Promise<string> {
  const row: string[] = [];
  for (const [, cmd, pre] of [
    ["node cli/bin/lumina.js", process.execPath, [BIN]],
    ["npx lumina", "npx", ["lumina"]],
  ] as const) {
    const ms: number[] = [];
    let code = 0;
    for (let i = 0; i < runs; i++)
      ({ code } = await timeOnce(cmd, [...pre, ...args], env).then((r) => (ms.push(r.ms), r)));
    row.push(`${Math.round(median(ms))} ms (exit ${code})`);
  }
  return `| ${label} | ${row.join(" | ")} |`;
}

const redis = await startRedisServer();
const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-cli-"));
const chatPort = await freePort();
const rag = await startRagWorker({
  REDIS_URL: redis.url,
  DATA_DIR: dataDir,
  METRICS_PORT: "0",
  CHAT_PORT: String(chatPort),
  LOG_LEVEL: "silent",
  EMBEDDER: "hashing",
});
const up = { REDIS_URL: redis.url, CHAT_PORT: String(chatPort) };
const rows = [
  await timed("`--help`", ["--help"], up),
  await timed("`seed Bodmin`", ["seed", "Bodmin"], up),
  await timed('`ask "What is Bodmin?"`', ["ask", "What is Bodmin?"], up),
  await timed("`seed Bodmin`, Redis down", ["seed", "Bodmin"], {
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
  }),
];
await rag.stop();
await redis.stop();
await rm(dataDir, { recursive: true, force: true });
console.log(
  [
    "",
    `Median of ${runs} runs, start to exit:`,
    "",
    "| command | node cli/bin/lumina.js | npx lumina |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n"),
);
