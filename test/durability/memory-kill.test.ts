import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { StreamPublisher } from "@lumina/bus";
import { ChatTurn, COLLECTIONS } from "@lumina/events";
import { openMemoryStore } from "@lumina/memory";
import { freePort, type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";

// The memory service killed with SIGKILL while it works through a backlog of chat turns, then started
// again with the defaults: the turns it had taken but not acknowledged are delivered again (once
// idle for RECLAIM_IDLE_MS) and memory ends as if each had been handled once — no fact counted twice, no
// message, episode or vector doubled.
const TURNS = 200;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let server: RedisServerHandle;
let redis: Redis;
let dataDir: string;
let child: ChildProcess | undefined;

async function startService(): Promise<ChildProcess> {
  const env = {
    ...(process.env as Record<string, string>),
    REDIS_URL: server.url,
    DATA_DIR: dataDir,
    METRICS_PORT: String(await freePort()),
    MEMORY_PORT: String(await freePort()),
    LOG_LEVEL: "warn",
  };
  // One process (node with tsx's loader, not the tsx wrapper, whose child would outlive a SIGKILL).
  const c = spawn(process.execPath, ["--import", "tsx", "services/memory/src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: "ignore",
  });
  child = c;
  await waitFor(
    "the memory service",
    () =>
      fetch(`http://127.0.0.1:${env.METRICS_PORT}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    {
      timeoutMs: 60_000,
    },
  );
  return c;
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  dataDir = await mkdtemp(join(tmpdir(), "lumina-memory-kill-"));
}, 30_000);
afterAll(async () => {
  child?.kill("SIGKILL");
  redis?.disconnect();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it("redelivers the turns a killed memory service was handling, and duplicates nothing", async () => {
  const first = await startService();
  const publisher = new StreamPublisher({ redis });
  for (let i = 0; i < TURNS; i++)
    await publisher.publish(ChatTurn, {
      turn_id: `turn${String(i).padStart(4, "0")}`,
      user: `u${i}`,
      session: "s",
      query: `My name is Person${i} and I live in Town${i}.`,
      answer: "Thank you, I will remember that.",
      confidence: 0.9,
      ts: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    });
  const store = await openMemoryStore({ MEMORY_STORE: "sqlite", MEMORY_DATABASE_URL: "", DATA_DIR: dataDir });
  const factsSoFar = async () => (await store.users()).reduce((n, u) => n + u.facts, 0);
  // Killed mid-backlog: some turns written, some taken and not acknowledged, the rest not yet read.
  await waitFor("the first facts", async () => (await factsSoFar()) >= 40, {
    timeoutMs: 60_000,
    intervalMs: 10,
  });
  first.kill("SIGKILL");
  await new Promise((r) => first.once("exit", r));
  const [pending] = (await redis.xpending("chat:turn", "memory")) as [number];
  expect(pending).toBeGreaterThan(0);
  expect(await factsSoFar()).toBeLessThan(2 * TURNS);

  await startService();
  await waitFor(
    "every turn handled",
    async () =>
      ((await redis.xpending("chat:turn", "memory")) as [number])[0] === 0 &&
      (await factsSoFar()) === 2 * TURNS,
    { timeoutMs: 90_000, intervalMs: 250 },
  );
  const users = await store.users();
  expect(users).toHaveLength(TURNS);
  for (const u of users) expect(u).toMatchObject({ facts: 2, messages: 2, episodes: 0 });
  for (const u of users.slice(0, 20)) {
    const facts = await store.facts(u.user_id);
    expect(facts.map((f) => f.mention_count)).toEqual([1, 1]);
  }
  await store.close();
  child?.kill("SIGTERM");
  await new Promise((r) => child?.once("exit", r));
  child = undefined;
  const vectors = await LanceDbStore.open(join(dataDir, "vectors"));
  // Per turn: the user's message and its two facts (the answer is not searched).
  expect(await vectors.count(COLLECTIONS.userMemory)).toBe(3 * TURNS);
  await vectors.close();
}, 240_000);
