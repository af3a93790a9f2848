import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

export class RedisNotInstalledError extends Error {
  constructor() {
    super(
      [
        "redis-server was not found on PATH, and REDIS_URL is not set.",
        "Lumina needs Redis. Any one of these works:",
        "  - Debian/Ubuntu:  sudo apt-get install -y redis-server",
        "  - macOS:          brew install redis",
        "  - Docker:         make up            (the whole stack, Redis included)",
        "  - an existing server: REDIS_URL=redis://host:6379 npm start",
      ].join("\n"),
    );
    this.name = "RedisNotInstalledError";
  }
}

/**
 * Starts a `redis-server` of our own with AOF on, its data under `dir`, bound to 127.0.0.1. A server
 * left running by a runner that was killed (its pid file is still there) is stopped first.
 */
export async function startLocalRedis(dataDir: string, port: number): Promise<LocalRedis> {
  if (spawnSync("redis-server", ["--version"]).error) throw new RedisNotInstalledError();
  const dir = resolve(dataDir, "redis");
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, "redis.pid");
  await stopStale(pidFile);
  const logFile = join(dir, "redis.log");
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--pidfile",
      pidFile,
      "--logfile",
      logFile,
      "--daemonize",
      "no",
    ],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitUntilReady(child, url, logFile);
  return {
    url,
    port,
    dir,
    async stop() {
      await terminate(child);
      await rm(pidFile, { force: true });
    },
  };
}

async function waitUntilReady(child: ChildProcess, url: string, logFile: string): Promise<void> {
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited) {
      const log = existsSync(logFile)
        ? readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n")
        : "";
      const hint = log.includes("Address already in use")
        ? "\nThe port is taken (another Lumina running?): set LOCAL_REDIS_PORT, or REDIS_URL to use that server."
        : "";
      throw new Error(`redis-server exited during startup:\n${log}${hint}`);
    }
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {}); // refused until redis-server listens: expected while polling
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await terminate(child);
  throw new Error(`redis-server did not answer at ${url} within 15 s (see ${logFile})`);
}

async function stopStale(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isRedis(pid)) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server");
  } catch {
    return isAlive(pid); // no /proc (macOS): trust the pid file redis itself wrote
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM"); // redis flushes the AOF and exits
  });
}
