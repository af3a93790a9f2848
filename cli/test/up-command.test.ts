import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { freePort, waitFor } from "@lumina/testing";
import { describe, expect, it } from "vitest";
import { metricsPortVar, SERVICES } from "../src/index.ts";
import { isolatedEnv, spawnLumina, tempDir } from "./helpers.ts";

const runLumina = (args: string[], env: Record<string, string>) => spawnLumina(args, env);

describe("`lumina up` (what `npm start` runs)", () => {
  it("brings every service up, prints their URLs, and exits 0 on SIGTERM", async () => {
    const env = { ...process.env, ...(await isolatedEnv()) } as Record<string, string>;
    const { child, out, exited } = runLumina(["up"], env);
    await waitFor("the banner", () => out.stdout.includes("Stop with Ctrl-C"), { timeoutMs: 30_000 });
    expect(out.stdout).toContain(`Lumina is up: ${SERVICES.length} services in one process`);
    const urls = [...out.stdout.matchAll(/^ {2}\S+\s+(?:metrics|chat|ws)\s+(http:\/\/\S+)$/gm)].map(
      (m) => m[1],
    );
    expect(urls).toHaveLength(SERVICES.length + 2);
    for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out.stderr).toContain("lumina: stopped");
  });

  it("says how to get Redis when redis-server is missing and REDIS_URL is unset", async () => {
    const emptyPath = await tempDir("no-redis-");
    const env = { ...(await isolatedEnv()), PATH: emptyPath, HOME: tmpdir() };
    const { out, exited } = runLumina(["up"], env);
    expect(await exited).toBe(1);
    expect(out.stderr).toContain("redis-server was not found on PATH");
    expect(out.stderr).toContain("apt-get install -y redis-server");
    expect(out.stderr).toContain("REDIS_URL=");
  });

  it("rejects an unknown command with usage and exit code 64", async () => {
    const { out, exited } = runLumina(["fly"], { ...process.env } as Record<string, string>);
    expect(await exited).toBe(64);
    expect(out.stderr).toContain('unknown command "fly"');
    expect(out.stderr).toContain("Usage: lumina <command>");
  });
});

describe("`lumina up --processes`", () => {
  it("runs each service as its own process, restarts one killed with SIGKILL, and stops all on SIGTERM", async () => {
    const env = { ...process.env, ...(await isolatedEnv()), EMBEDDER: "hashing" } as Record<string, string>;
    const ports: Record<string, number> = {};
    for (const s of SERVICES) {
      ports[s.NAME] = await freePort();
      env[metricsPortVar(s.NAME)] = String(ports[s.NAME]);
    }
    const { child, out, exited } = runLumina(["up", "--processes"], env);
    await waitFor("the banner", () => out.stdout.includes("Stop with Ctrl-C"), { timeoutMs: 30_000 });
    expect(out.stdout).toContain(`Lumina started ${SERVICES.length} services, one process each`);
    const healthy = async (port: number) =>
      (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok;
    for (const s of SERVICES)
      await waitFor(`${s.NAME} healthy`, () => healthy(ports[s.NAME] as number), { timeoutMs: 60_000 });
    const services = childrenOf(child.pid as number);
    expect(services.size).toBe(SERVICES.length);

    const indexer = services.get("indexer") as number;
    process.kill(indexer, "SIGKILL");
    await waitFor(
      "the indexer restarted",
      () => {
        const again = childrenOf(child.pid as number).get("indexer");
        return again !== undefined && again !== indexer;
      },
      { timeoutMs: 10_000 },
    );
    await waitFor("the new indexer healthy", () => healthy(ports.indexer as number), { timeoutMs: 60_000 });
    expect(out.stderr).toMatch(/indexer: killed by SIGKILL; restarting in \d+ ms/);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(childrenOf(child.pid as number).size).toBe(0);
    for (const pid of services.values()) expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(out.stderr).toContain("lumina: stopped");
  }, 120_000);
});

/** The runner's service processes: service name → pid (from /proc: their parent and command line). */
function childrenOf(parent: number): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== parent) continue;
      const name = /services\/([\w-]+)\/src\/main\.ts/.exec(
        readFileSync(`/proc/${entry}/cmdline`, "utf8"),
      )?.[1];
      if (name) found.set(name, Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return found;
}
