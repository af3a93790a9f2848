import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { LuminaError } from "@lumina/errors";

export class RedisNotInstalledError extends LuminaError {
  constructor() {
    super(
      "redis_not_installed",
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

export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  /** SIGTERM lets Redis flush its AOF (SIGKILL after `stopTimeoutMs`); SIGKILL is a crash. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

export interface RedisProcessOptions {
  port: number;
  dir: string;
  appendonly: boolean;
  /** Where Redis logs; its tail explains a failed start. Without one, the output is captured. */
  logFile?: string;
  extraArgs?: string[];
  /**
   * Run it in a process group of its own, so that a terminal's Ctrl-C (sent to the whole foreground
   * group) reaches only its owner, which stops it after the services that use it.
   */
  detached?: boolean;
  /** How long SIGTERM may take before SIGKILL (ms; default 10 s). */
  stopTimeoutMs?: number;
}

/**
 * Runs a `redis-server` child bound to 127.0.0.1 and resolves once it answers PING. Used by `lumina up`
 * (its own Redis) and by the tests (one server per test file). A missing binary throws
 * RedisNotInstalledError; a server that exits while starting throws with the end of its log.
 */
export async function spawnRedisServer(opts: RedisProcessOptions): Promise<RedisProcess> {
  const args = ["--port", String(opts.port), "--bind", "127.0.0.1", "--dir", opts.dir];
  args.push("--appendonly", opts.appendonly ? "yes" : "no", "--daemonize", "no");
  if (opts.logFile) args.push("--logfile", opts.logFile);
  const child = spawn("redis-server", [...args, ...(opts.extraArgs ?? [])], {
    stdio: ["ignore", opts.logFile ? "ignore" : "pipe", "ignore"],
    detached: opts.detached ?? false,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  });
  const url = `redis://127.0.0.1:${opts.port}`;
  await waitUntilReady(child, url, () =>
    opts.logFile && existsSync(opts.logFile) ? readFileSync(opts.logFile, "utf8") : output,
  );
  const graceMs = opts.stopTimeoutMs ?? 10_000;
  return { url, port: opts.port, stop: (signal = "SIGTERM") => terminate(child, signal, graceMs) };
}

async function waitUntilReady(child: ChildProcess, url: string, log: () => string): Promise<void> {
  let failure: Error | undefined;
  child.once("error", (err: NodeJS.ErrnoException) => {
    failure = err.code === "ENOENT" ? new RedisNotInstalledError() : err;
  });
  child.once("exit", (code) => {
    const tail = log().trim().split("\n").slice(-5).join("\n");
    const hint = tail.includes("Address already in use")
      ? "\nThe port is taken (another Lumina running?): set LOCAL_REDIS_PORT, or REDIS_URL to use that server."
      : "";
    failure ??= new Error(`redis-server exited (${code}) during startup:\n${tail}${hint}`);
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (failure) throw failure;
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
    await new Promise((r) => setTimeout(r, 25));
  }
  await terminate(child, "SIGKILL");
  throw new LuminaError("redis_start_failed", `redis-server did not answer at ${url} within 15 s`);
}

function terminate(child: ChildProcess, signal: "SIGTERM" | "SIGKILL", graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill(signal);
  });
}
