import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** SIGKILL the server (no shutdown save), as a crash would. */
  kill(): Promise<void>;
  /** Start it again on the same port and directory (AOF replays when `appendonly`). */
  restart(): Promise<void>;
  /** Stop the server and remove its directory. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  appendonly?: boolean;
  /** Keep the data directory on stop (default: remove it). */
  keepDir?: boolean;
}

/**
 * Starts a real `redis-server` on a free port in a fresh temporary directory: one per test file.
 * Fails with installation instructions when the binary is missing.
 */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), "lumina-redis-"));
  const port = await freePort();
  let child = await launch(port, dir, opts.appendonly ?? false);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async kill() {
      await terminate(child, "SIGKILL");
    },
    async restart() {
      await terminate(child, "SIGKILL");
      child = await launch(port, dir, opts.appendonly ?? false);
    },
    async stop() {
      await terminate(child, "SIGTERM");
      if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function launch(port: number, dir: string, appendonly: boolean): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
  args.push("--appendonly", appendonly ? "yes" : "no", "--daemonize", "no", "--loglevel", "notice");
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.on("error", (err: NodeJS.ErrnoException) => {
      reject(
        err.code === "ENOENT"
          ? new Error(
              "redis-server is not installed: run `apt-get install -y redis-server` (or `brew install redis`)",
            )
          : err,
      );
    });
    child.on("exit", (code) =>
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
