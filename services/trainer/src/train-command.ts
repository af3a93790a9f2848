import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

export interface CommandResult {
  ok: boolean;
  code: number | null;
  timedOut: boolean;
  seconds: number;
}

/**
 * Runs `command` with sh in its own process group, its output appended to `logPath`; after `timeoutMs`
 * the whole group is killed (SIGTERM, then SIGKILL 5 s later); on `signal` at once (SIGKILL).
 */
export function runCommand(
  command: string,
  opts: { env: Record<string, string>; timeoutMs: number; logPath: string; signal?: AbortSignal },
): Promise<CommandResult> {
  const started = Date.now();
  const log = createWriteStream(opts.logPath, { flags: "a" });
  log.write(`$ ${command}\n`);
  const child = spawn("sh", ["-c", command], {
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let timedOut = false;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup("SIGTERM");
    setTimeout(() => killGroup("SIGKILL"), 5_000).unref();
  }, opts.timeoutMs);
  const onAbort = () => killGroup("SIGKILL");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  return new Promise((resolve) => {
    let finished = false;
    const finish = (code: number | null) => {
      if (finished) return; // "error" and "close" can both arrive
      finished = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      const seconds = (Date.now() - started) / 1000;
      log.end(`\n# exit ${code}${timedOut ? " (timed out)" : ""} after ${seconds.toFixed(1)} s\n`, () =>
        resolve({ ok: code === 0 && !timedOut, code, timedOut, seconds }),
      );
    };
    child.on("error", (err) => {
      log.write(`# could not start: ${err.message}\n`);
      finish(null);
    });
    child.on("close", finish);
  });
}
