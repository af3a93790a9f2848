import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { metricsPortVar, SERVICES } from "@lumina/cli";
import { freePort, waitFor } from "@lumina/testing";
import { afterAll, describe, expect, it } from "vitest";

// The README's offline quick start, command for command, as a newcomer types it in a clone: a local
// Wikipedia from the corpus that ships in the repository, `npm start` with its defaults, a seed, a
// question. Only the ports and DATA_DIR are chosen here, so that it runs beside other tests.
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Proc {
  out: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** A command run from the repository root in a process group of its own (as a terminal runs it). */
function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-(child.pid as number), "SIGINT"); // Ctrl-C
    const late = setTimeout(() => process.kill(-(child.pid as number), "SIGKILL"), 15_000);
    await exited;
    clearTimeout(late);
  };
  return { out: () => out, exited, stop };
}

/** Runs a command to its end; its exit code and everything it printed. */
async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  const p = start(cmd, args, env);
  const code = await p.exited;
  return { code, out: p.out() };
}

const running: Proc[] = [];
let dataDir = "";
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the README's offline quick start", () => {
  it("wiki serve, npm start, seed Bodmin, ask: an answer citing Bodmin", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lumina-quick-start-"));
    const wikiPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      LOCAL_REDIS_PORT: String(await freePort()),
      CHAT_PORT: String(await freePort()),
      WS_PORT: String(await freePort()),
      MEMORY_PORT: String(await freePort()),
    };
    for (const s of SERVICES) env[metricsPortVar(s.NAME)] = String(await freePort());

    const wiki = start("npx", ["lumina", "wiki", "serve", "--port", String(wikiPort)], env);
    running.push(wiki);
    await waitFor("the local wiki", () => wiki.out().includes("WIKI_API_URL="), { timeoutMs: 30_000 });
    expect(wiki.out()).toMatch(/Local Wikipedia: 71 articles from .*libs\/wiki-fixture\/corpus/);
    env.WIKI_API_URL = /WIKI_API_URL=(\S+)/.exec(wiki.out())?.[1];

    const lumina = start("npm", ["start"], env);
    running.push(lumina);
    let stopped = false;
    void lumina.exited.then(() => (stopped = true));
    const banner = await waitFor("npm start", () => stopped || lumina.out().includes("Stop with Ctrl-C"), {
      timeoutMs: 90_000,
    }).catch(() => false);
    expect(banner && !stopped, `npm start did not come up:\n${lumina.out().slice(-3000)}`).toBe(true);

    const seed = await run("npx", ["lumina", "seed", "Bodmin"], env);
    expect(seed.code, seed.out).toBe(0);

    let answer = { code: null as number | null, out: "" };
    await waitFor(
      "an answer citing Bodmin",
      async () => {
        answer = await run("npx", ["lumina", "ask", "What is Bodmin?"], env);
        return answer.code === 0 && /\[1\] Bodmin — /.test(answer.out);
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    expect(answer.out).toMatch(/confidence \d\.\d\d/);
    expect(answer.out).toMatch(/\[\d\] Bodmin — \S+ \(chunk [0-9a-f]+/);
    console.log(`quick start answer:\n${answer.out}`);
  }, 300_000);
});
