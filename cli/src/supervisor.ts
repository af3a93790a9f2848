import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

type Env = Readonly<Record<string, string | undefined>>;

/** tsx's loader, by URL: services are TypeScript run as they are, from whatever directory. */
const TSX = import.meta.resolve("tsx");

/** The entry point of a service run as its own process: services/<name>/src/main.ts (runMain). */
export const serviceEntry = (name: string): string =>
  fileURLToPath(new URL(`../../services/${name}/src/main.ts`, import.meta.url));

export interface SupervisorOptions {
  /** Each service's environment (its own METRICS_PORT, the shared REDIS_URL and DATA_DIR …). */
  envFor: (name: string) => Env;
  /** Where each service's output goes: `<dir>/<name>.log` (appended); unset: this process's stdout/stderr. */
  logDir?: string;
  /** Wait before restarting a service that exited (doubled while it keeps dying young, at most 30 s). */
  restartDelayMs?: number;
  /** A service that ran this long before exiting is restarted after the base delay again. */
  healthyAfterMs?: number;
  /** One line per start, exit and restart. */
  onEvent?: (line: string) => void;
}

interface Supervised {
  name: string;
  child: ChildProcess;
  startedAt: number;
  starts: number;
  /** Consecutive exits within healthyAfterMs of starting. */
  youngExits: number;
  exited: Promise<void>;
}

/**
 * Runs each service as its own child process (`node --import tsx services/<name>/src/main.ts`; tsx is
 * found from this file, so any working directory will do), the way Compose runs containers with
 * `restart: unless-stopped`: a service that exits for any reason (crash, kill -9, lost Redis at
 * start) is started again, after a delay that grows while it keeps dying young. `stop()` sends
 * SIGTERM to all (in-flight events finish) and waits for them.
 */
export class Supervisor {
  readonly #opts: Required<Omit<SupervisorOptions, "logDir">> & { logDir?: string };
  readonly #services = new Map<string, Supervised>();
  readonly #logs = new Map<string, WriteStream>();
  #stopping = false;

  constructor(opts: SupervisorOptions) {
    this.#opts = { restartDelayMs: 500, healthyAfterMs: 10_000, onEvent: () => {}, ...opts };
  }

  async start(names: readonly string[]): Promise<void> {
    if (this.#opts.logDir) await mkdir(this.#opts.logDir, { recursive: true });
    process.once("exit", this.#killAll); // the supervisor failing must not leave services behind
    for (const name of names) this.#spawn(name, 1, 0);
  }

  /** The running services: name → pid and how often each was started. */
  get services(): { name: string; pid: number | undefined; starts: number }[] {
    return [...this.#services.values()].map((s) => ({ name: s.name, pid: s.child.pid, starts: s.starts }));
  }

  /** Sends `signal` to a service's current process; the supervisor restarts it as after any exit. */
  kill(name: string, signal: NodeJS.Signals = "SIGKILL"): boolean {
    const service = this.#services.get(name);
    return service ? service.child.kill(signal) : false;
  }

  async stop(timeoutMs = 20_000): Promise<void> {
    this.#stopping = true;
    const all = [...this.#services.values()];
    for (const s of all) s.child.kill("SIGTERM");
    const forced = setTimeout(() => {
      for (const s of all) s.child.kill("SIGKILL");
    }, timeoutMs);
    await Promise.all(all.map((s) => s.exited));
    clearTimeout(forced);
    process.off("exit", this.#killAll);
    for (const log of this.#logs.values()) await new Promise((resolve) => log.end(resolve));
  }

  readonly #killAll = () => {
    for (const s of this.#services.values()) s.child.kill("SIGKILL");
  };

  #spawn(name: string, starts: number, youngExits: number): void {
    const child = spawn(process.execPath, ["--import", TSX, serviceEntry(name)], {
      env: { ...this.#opts.envFor(name) },
      stdio: ["ignore", this.#opts.logDir ? "pipe" : "inherit", this.#opts.logDir ? "pipe" : "inherit"],
      // Its own process group: Ctrl-C in a terminal reaches the supervisor only, which stops the
      // services with one SIGTERM each (a second signal would make them exit at once).
      detached: true,
    });
    const log = this.#log(name);
    if (log) {
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
    }
    const service: Supervised = {
      name,
      child,
      startedAt: Date.now(),
      starts,
      youngExits,
      exited: new Promise((resolve) =>
        child.once("exit", (code, signal) => resolve(this.#onExit(name, code, signal))),
      ),
    };
    this.#services.set(name, service);
    this.#opts.onEvent(`${name}: started (pid ${child.pid})`);
  }

  #onExit(name: string, code: number | null, signal: NodeJS.Signals | null): void {
    const service = this.#services.get(name);
    if (!service) return;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (this.#stopping) {
      this.#opts.onEvent(`${name}: stopped (${how})`);
      return;
    }
    const young = Date.now() - service.startedAt < this.#opts.healthyAfterMs;
    const youngExits = young ? service.youngExits + 1 : 0;
    const delay = Math.min(30_000, this.#opts.restartDelayMs * 2 ** Math.max(0, youngExits - 1));
    this.#opts.onEvent(`${name}: ${how}; restarting in ${delay} ms`);
    setTimeout(() => {
      if (!this.#stopping) this.#spawn(name, service.starts + 1, youngExits);
    }, delay);
  }

  #log(name: string): WriteStream | undefined {
    if (!this.#opts.logDir) return undefined;
    let log = this.#logs.get(name);
    if (!log) {
      log = createWriteStream(join(this.#opts.logDir, `${name}.log`), { flags: "a" });
      this.#logs.set(name, log);
    }
    return log;
  }
}
