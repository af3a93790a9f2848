import { readFileSync } from "node:fs";

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is a live process whose command line contains `program` (a pid file may name a pid
 * the system has since given to something else). Without /proc (macOS), any live process counts.
 */
export function isRunning(pid: number, program: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(program);
  } catch {
    return true;
  }
}
