import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type RedisServerHandle, type RedisServerOptions, startRedisServer } from "./redis-server.ts";

interface Stoppable {
  stop(): Promise<unknown>;
}

/**
 * What a test file runs services against: a real `redis-server` of its own, a client on it, a
 * temporary DATA_DIR, and the services it started, stopped newest first.
 */
export interface TestStack {
  readonly server: RedisServerHandle;
  /** REDIS_URL of the stack's server */
  readonly url: string;
  /** a client for the test's own reads and writes */
  readonly redis: Redis;
  readonly dataDir: string;
  /** What every service under test shares (REDIS_URL, DATA_DIR, METRICS_PORT=0, LOG_LEVEL=silent), then `own`. */
  env(own?: Record<string, string>): Record<string, string>;
  /** Awaits a started service (or server) and stops it with the stack. */
  run<T extends Stoppable>(started: T | Promise<T>): Promise<T>;
  /** Stops the services, empties Redis and DATA_DIR: a clean slate between tests. */
  reset(): Promise<void>;
  /** Stops everything and removes the server's and DATA_DIR's folders. */
  stop(): Promise<void>;
}

/** Starts a stack; `prefix` names its DATA_DIR (e.g. "lumina-trainer-"). */
export async function startStack(prefix: string, opts: RedisServerOptions = {}): Promise<TestStack> {
  const server = await startRedisServer(opts);
  const redis = new Redis(server.url);
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const running: Stoppable[] = [];
  const stopServices = async () => {
    for (const s of running.splice(0).reverse()) await s.stop();
  };
  return {
    server,
    url: server.url,
    redis,
    dataDir,
    env: (own = {}) => ({
      REDIS_URL: server.url,
      DATA_DIR: dataDir,
      METRICS_PORT: "0",
      LOG_LEVEL: "silent",
      ...own,
    }),
    async run(started) {
      const service = await started;
      running.push(service);
      return service;
    },
    async reset() {
      await stopServices();
      await redis.flushall();
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
    },
    async stop() {
      await stopServices();
      redis.disconnect();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
