import { mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { spawnRedisServer } from "@lumina/runtime";
import { isAlive, isRunning } from "./processes.ts";

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * Starts a `redis-server` of our own with AOF on, its data under `dir`, bound to 127.0.0.1, in a
 * process group of its own. A server left running by a runner that was killed (its pid file is still
 * there) is stopped first; the caller makes sure no running Lumina owns it (runner-lock.ts).
 */
export async function startLocalRedis(dataDir: string, port: number): Promise<LocalRedis> {
  const dir = resolve(dataDir, "redis");
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, "redis.pid");
  await stopStale(pidFile);
  const server = await spawnRedisServer({
    port,
    dir,
    appendonly: true,
    logFile: join(dir, "redis.log"),
    extraArgs: ["--pidfile", pidFile],
    // Ctrl-C reaches Lumina alone; Lumina stops this Redis after its services (AOF flushed).
    detached: true,
    stopTimeoutMs: 3_000,
  });
  return {
    url: server.url,
    port,
    dir,
    async stop() {
      await server.stop(); // SIGTERM: redis flushes the AOF and exits
      await rm(pidFile, { force: true });
    },
  };
}

async function stopStale(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid, "redis-server")) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}
