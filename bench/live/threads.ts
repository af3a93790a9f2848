import { readdir, readFile } from "node:fs/promises";

/**
 * CPU seconds of a process tree, per thread name (`process/thread`, digits dropped). Node's worker
 * threads keep the process's name (`node/node`); the main thread is `node/main thread`.
 */
export type ThreadCpu = Map<string, number>;

const TICK_S = 0.01; // clock ticks of 10 ms (USER_HZ 100)

/** utime + stime of a /proc stat line, in seconds, and its parent pid. */
export function parseStat(stat: string): { seconds: number; ppid: number } {
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return { seconds: (Number(fields[11]) + Number(fields[12])) * TICK_S, ppid: Number(fields[1]) };
}

const read = (path: string) => readFile(path, "utf8").catch(() => "");

/** The pids whose parent is `pid` (redis-server under `lumina up`). */
async function childrenOf(pid: number): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((d) => /^\d+$/.test(d)).map(Number);
  const stats = await Promise.all(pids.map(async (p) => [p, await read(`/proc/${p}/stat`)] as const));
  return stats.filter(([, s]) => s && parseStat(s).ppid === pid).map(([p]) => p);
}

/** CPU seconds used so far by every thread of `pid` and of its children, summed by thread name. */
export async function threadCpu(pid: number): Promise<ThreadCpu> {
  const out: ThreadCpu = new Map();
  for (const p of [pid, ...(await childrenOf(pid))]) {
    const proc = (await read(`/proc/${p}/comm`)).trim();
    const tids = await readdir(`/proc/${p}/task`).catch(() => [] as string[]);
    for (const tid of tids) {
      const [comm, stat] = await Promise.all([
        read(`/proc/${p}/task/${tid}/comm`),
        read(`/proc/${p}/task/${tid}/stat`),
      ]);
      if (!stat) continue;
      // Threads inherit their creator's name: the main thread is told apart by its id.
      const thread = tid === String(p) ? "main thread" : comm.trim().replace(/\d+$/, "");
      const name = `${proc}/${thread}`;
      out.set(name, (out.get(name) ?? 0) + parseStat(stat).seconds);
    }
  }
  return out;
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat, all cores). */
export async function machineCpu(): Promise<{ busy: number; total: number }> {
  const cpu = (await read("/proc/stat")).split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const total = cpu.reduce((a, b) => a + b, 0) * TICK_S;
  const idle = ((cpu[3] ?? 0) + (cpu[4] ?? 0)) * TICK_S; // idle + iowait
  return { busy: total - idle, total };
}

/** Rows `| thread | CPU s | share of the window's cores |` for what ran between two readings. */
export function threadRows(before: ThreadCpu, after: ThreadCpu, windowS: number, cores: number): string[] {
  const used = [...after]
    .map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const)
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  return used.map(
    ([name, s]) => `| ${name} | ${s.toFixed(1)} | ${((100 * s) / (windowS * cores)).toFixed(0)} % |`,
  );
}
