import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@lumina/testing";
import { onTestFinished } from "vitest";
import { metricsPortVar, SERVICES } from "../src/index.ts";

/** A temporary directory removed when the current test finishes. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Environment for a runner under test: its own data dir (removed after the test) and Redis port,
 * every HTTP port chosen by the OS.
 */
export async function isolatedEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    DATA_DIR: await tempDir("lumina-data-"),
    LOCAL_REDIS_PORT: String(await freePort()),
    CHAT_PORT: "0",
    WS_PORT: "0",
    MEMORY_PORT: "0",
    LOG_LEVEL: "warn",
  };
  for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
  return env;
}

export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export const BIN = fileURLToPath(new URL("../bin/lumina.js", import.meta.url));

/** Runs the `lumina` command as people do (bin/lumina.js) and collects its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }, (error, out, err) =>
      resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

/**
 * `lumina <args>` as a child process whose output is collected; with `group`, in a process group of
 * its own, as a terminal runs a foreground command (signal it with `process.kill(-pid, …)`). A test
 * that ends, passed or failed, never leaves it (or the services it supervises) running.
 */
export function spawnLumina(args: string[], env: Record<string, string>, opts: { group?: boolean } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: opts.group ?? false,
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (b: Buffer) => {
    out.stdout += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    out.stderr += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (opts.group) process.kill(-(child.pid as number), "SIGKILL");
    else child.kill("SIGTERM");
    await exited;
  });
  return { child, out, exited };
}
