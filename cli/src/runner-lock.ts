import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isRunning } from "./processes.ts";
import { LuminaError } from "@lumina/errors";

/** What a running `lumina up` writes into DATA_DIR/lumina.pid (JSON), removed when it stops. */
export interface RunnerInfo {
  pid: number;
  started: string;
  /** the Redis it uses (its own or REDIS_URL's), password hidden */
  redis: string;
}

export class AlreadyRunningError extends LuminaError {
  constructor(
    readonly info: RunnerInfo,
    dataDir: string,
  ) {
    super(
      "already_running",
      `Lumina is already running with DATA_DIR ${dataDir} (pid ${info.pid}, since ${info.started}, Redis ${info.redis}). ` +
        "Stop it first (Ctrl-C in its terminal, or kill " +
        `${info.pid}), or start this one with another DATA_DIR and LOCAL_REDIS_PORT.`,
    );
  }
}

const lockFile = (dataDir: string) => join(resolve(dataDir), "lumina.pid");

/** The `lumina up` running on `dataDir`, if any (a lock file whose process is gone does not count). */
export async function runningLumina(dataDir: string): Promise<RunnerInfo | undefined> {
  const raw = await readFile(lockFile(dataDir), "utf8").catch(() => "");
  let info: RunnerInfo;
  try {
    info = JSON.parse(raw) as RunnerInfo;
  } catch {
    return undefined;
  }
  return Number.isInteger(info.pid) && info.pid !== process.pid && isRunning(info.pid, "lumina")
    ? info
    : undefined;
}

/**
 * Takes DATA_DIR for this `lumina up`: refuses (AlreadyRunningError) while another one runs on it, so
 * that a second start never touches the first one's Redis or files. Returns the release.
 */
export async function lockDataDir(dataDir: string, redis: string): Promise<() => Promise<void>> {
  const other = await runningLumina(dataDir);
  if (other) throw new AlreadyRunningError(other, resolve(dataDir));
  await mkdir(resolve(dataDir), { recursive: true });
  const info: RunnerInfo = { pid: process.pid, started: new Date().toISOString(), redis };
  await writeFile(lockFile(dataDir), `${JSON.stringify(info)}\n`);
  return async () => {
    const now = await readFile(lockFile(dataDir), "utf8").catch(() => "");
    if (now.includes(`"pid":${process.pid},`)) await rm(lockFile(dataDir), { force: true });
  };
}
