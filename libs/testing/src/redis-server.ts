import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RedisProcess, spawnRedisServer } from "@lumina/runtime";
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
 * Fails with installation instructions when the binary is missing (the launcher `lumina up` uses).
 */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), "lumina-redis-"));
  const port = await freePort();
  const launch = () =>
    spawnRedisServer({ port, dir, appendonly: opts.appendonly ?? false, extraArgs: ["--save", ""] });
  let server: RedisProcess = await launch();
  // A test that fails before its cleanup must not leave the server running after the test process:
  // stop() kills the child synchronously, which is all an exit handler can do.
  const killOnExit = () => void server.stop("SIGKILL");
  process.once("exit", killOnExit);
  return {
    url: server.url,
    port,
    dir,
    kill: () => server.stop("SIGKILL"),
    async restart() {
      await server.stop("SIGKILL");
      server = await launch();
    },
    async stop() {
      process.off("exit", killOnExit);
      await server.stop();
      if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
