import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { waitFor } from "@lumina/testing";
import { describe, expect, it } from "vitest";
import { SERVICES } from "../src/index.ts";
import { isolatedEnv, tempDir } from "./helpers.ts";

const BIN = fileURLToPath(new URL("../bin/lumina.js", import.meta.url));

function runLumina(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (b: Buffer) => {
    out.stdout += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    out.stderr += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, out, exited };
}

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
