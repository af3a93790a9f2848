import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, waitFor } from "@lumina/testing";
import { describe, expect, it } from "vitest";
import { metricsPortVar, SERVICES } from "../src/index.ts";
import { isListening, isolatedEnv, runCli, spawnLumina } from "./helpers.ts";

// Day-to-day use of `lumina up` as people run it: Ctrl-C in a terminal, a second start by mistake,
// Redis dying under it. A terminal sends Ctrl-C's SIGINT to its whole foreground process group, so
// each runner here is started as a group of its own and signalled as a group, as a terminal would.
const STOP_WITHIN_MS = 10_000;

function startGroup(args: string[], env: Record<string, string>) {
  const { child, out, exited } = spawnLumina(args, env, { group: true });
  const ready = () =>
    waitFor("the banner", () => out.stdout.includes("Stop with Ctrl-C"), { timeoutMs: 60_000 });
  return { child, out, exited, ready };
}

/**
 * Sends `signal` to the group (as a terminal does) or, with `only`, to the runner alone (as `kill PID`
 * or a service manager does); then how long until the runner exited, and its exit code.
 */
async function stopTimed(
  run: ReturnType<typeof startGroup>,
  signal: NodeJS.Signals,
  only = false,
): Promise<{ ms: number; code: number | null }> {
  const t = performance.now();
  process.kill(only ? (run.child.pid as number) : -(run.child.pid as number), signal);
  const code = await Promise.race([
    run.exited,
    new Promise<"late">((r) => setTimeout(() => r("late"), 30_000)),
  ]);
  return { ms: performance.now() - t, code: code === "late" ? -1 : code };
}

/** A free metrics port for every service, written into `env`. */
async function choosePorts(env: Record<string, string>): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  for (const s of SERVICES) {
    ports.set(s.NAME, await freePort());
    env[metricsPortVar(s.NAME)] = String(ports.get(s.NAME));
  }
  return ports;
}

async function allHealthy(ports: Map<string, number>): Promise<void> {
  for (const [name, port] of ports)
    await waitFor(
      `${name} healthy`,
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeoutMs: 60_000 },
    );
}

const redisPid = (dataDir: string) => Number(readFileSync(join(dataDir, "redis", "redis.pid"), "utf8"));

describe("`lumina up` day to day", () => {
  for (const mode of [[], ["--processes"]]) {
    it(`Ctrl-C (SIGINT to the terminal's group) stops ${mode.length ? "--processes" : "the one process"} and its Redis within 10 s`, async () => {
      const env = { ...process.env, ...(await isolatedEnv()), EMBEDDER: "hashing" } as Record<string, string>;
      const ports = await choosePorts(env);
      const run = startGroup(["up", ...mode], env);
      await run.ready();
      await allHealthy(ports); // every service up and connected before the Ctrl-C
      const { ms, code } = await stopTimed(run, "SIGINT");
      expect(code).toBe(0);
      expect(ms).toBeLessThan(STOP_WITHIN_MS);
      expect(await isListening(Number(env.LOCAL_REDIS_PORT))).toBe(false);
      expect(run.out.stderr).not.toMatch(/ECONNREFUSED|killed by SIGKILL/);
      expect(run.out.stderr).toContain("lumina: stopped");
      console.log(`Ctrl-C ${mode.join(" ") || "(one process)"}: stopped in ${Math.round(ms)} ms`);
    }, 120_000);
  }

  it("a second start on the same DATA_DIR says so and leaves the first one running", async () => {
    const env = { ...process.env, ...(await isolatedEnv()), EMBEDDER: "hashing" } as Record<string, string>;
    const first = startGroup(["up"], env);
    await first.ready();
    const pid = redisPid(env.DATA_DIR as string);
    const second = startGroup(["up"], env);
    expect(await second.exited).toBe(75);
    expect(second.out.stderr).toContain(`Lumina is already running with DATA_DIR`);
    expect(second.out.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.out.stderr).not.toMatch(/at .*\.ts:\d+/); // a sentence, not a stack trace
    // The first one's Redis was not touched and it still works.
    expect(redisPid(env.DATA_DIR as string)).toBe(pid);
    expect(await isListening(Number(env.LOCAL_REDIS_PORT))).toBe(true);
    // Commands that must not run beside it say so; a snapshot warns that it may not be consistent.
    const reindex = await runCli(["reindex"], env);
    expect([reindex.code, reindex.err]).toEqual([75, expect.stringContaining("Lumina is running")]);
    const snapshotFile = join(env.DATA_DIR as string, "while-running.tar.gz");
    const snap = await runCli(["snapshot", "--out", snapshotFile], env);
    expect(snap.code).toBe(0);
    expect(snap.err).toContain("warning: Lumina is running");
    const restore = await runCli(["restore", snapshotFile, "--force"], env);
    expect([restore.code, restore.err]).toEqual([75, expect.stringContaining("stop it first")]);
    expect((await stopTimed(first, "SIGTERM")).code).toBe(0);
  }, 120_000);

  for (const mode of [[], ["--processes"]])
    it(`with its Redis killed under it, SIGTERM still stops ${mode.length ? "--processes" : "the one process"} within 10 s, and it starts again cleanly`, async () => {
      const env = { ...process.env, ...(await isolatedEnv()), EMBEDDER: "hashing" } as Record<string, string>;
      const ports = await choosePorts(env);
      const run = startGroup(["up", ...mode], env);
      await run.ready();
      await allHealthy(ports);
      process.kill(redisPid(env.DATA_DIR as string), "SIGKILL");
      await new Promise((r) => setTimeout(r, 1_000)); // the services notice
      const { ms, code } = await stopTimed(run, "SIGTERM", true);
      console.log(
        `SIGTERM with Redis killed (${mode.join(" ") || "one process"}): stopped in ${Math.round(ms)} ms`,
      );
      expect(ms).toBeLessThan(STOP_WITHIN_MS);
      expect(code).toBe(0);
      expect(run.out.stderr).toMatch(/did not stop within|lumina: stopped/);
      const again = startGroup(["up", ...mode], env);
      await again.ready();
      expect(await isListening(Number(env.LOCAL_REDIS_PORT))).toBe(true);
      expect((await stopTimed(again, "SIGTERM")).code).toBe(0);
    }, 120_000);
});
