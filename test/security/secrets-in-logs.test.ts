import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { metricsPortVar, SERVICES } from "@lumina/cli";
import { freePort, waitFor } from "@lumina/testing";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

// Issue #7, auth and abuse: keys never appear in logs. The whole runner logs at `trace` (every
// request, every retry) while people use the right and wrong keys over HTTP and the WebSocket, the
// model behind LLM_BASE_URL fails, and the CLI reports on it all; then every line it wrote is scanned
// for every secret.
const SECRETS = {
  LUMINA_API_KEY: "lumina-key-7f3a9c1e5b",
  LLM_API_KEY: "llm-key-2d8e4f6a0c",
  EMBED_API_KEY: "embed-key-9b1d3f5e7a",
  QDRANT_API_KEY: "qdrant-key-4c6e8a0b2d",
  THINK_LLM_API_KEY: "think-key-1a3c5e7b9d",
};
const WRONG_KEY = "wrong-key-6e4c2a0f8d";
const BIN = fileURLToPath(new URL("../../cli/bin/lumina.js", import.meta.url));

let runner: ChildProcess;
let output = "";
let env: Record<string, string>;
let model: Server;
let wiki: WikiFixture;
const modelSaw: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  // An OpenAI-compatible model server that fails every request, so that the error paths log.
  model = createServer((req, res) => {
    modelSaw.push(req.headers);
    res.writeHead(500, { "content-type": "application/json" }).end('{"error":{"message":"model crashed"}}');
  });
  await new Promise<void>((resolve) => model.listen(0, "127.0.0.1", resolve));
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
  const modelPort = (model.address() as { port: number }).port;
  env = {
    ...(process.env as Record<string, string>),
    ...SECRETS,
    DATA_DIR: await mkdtemp(join(tmpdir(), "lumina-secrets-")),
    LOCAL_REDIS_PORT: String(await freePort()),
    CHAT_PORT: String(await freePort()),
    WS_PORT: String(await freePort()),
    MEMORY_PORT: String(await freePort()),
    LOG_LEVEL: "trace",
    EMBEDDER: "hashing",
    LLM_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
    THINK_LLM_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
    WIKI_API_URL: wiki.apiUrl,
  };
  for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
  runner = spawn(process.execPath, [BIN, "up"], { env, stdio: ["ignore", "pipe", "pipe"] });
  runner.stdout?.on("data", (b: Buffer) => {
    output += b.toString();
  });
  runner.stderr?.on("data", (b: Buffer) => {
    output += b.toString();
  });
  await waitFor("lumina up", () => output.includes("Stop with Ctrl-C"), { timeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  const exited = new Promise((resolve) => runner.once("exit", resolve));
  runner.kill("SIGTERM");
  await exited;
  await new Promise((resolve) => model.close(resolve));
  await wiki.close();
  await rm(env.DATA_DIR as string, { recursive: true, force: true });
});

const chat = (key: string | undefined, body: unknown) =>
  fetch(`http://127.0.0.1:${env.CHAT_PORT}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });

function openSocket(protocols: string[]): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${env.WS_PORT}/stream`, protocols);
    ws.once("open", () => {
      ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => resolve(String(res.statusCode)));
    ws.once("error", () => resolve("error"));
  });
}

function cli(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env }, (_error, out, err) => resolve(out + err));
  });
}

describe("keys never appear in logs", () => {
  it("scans every line the runner and the CLI wrote, at log level trace, for every key", async () => {
    expect((await chat(undefined, { query: "what is granite?" })).status).toBe(401);
    expect((await chat(WRONG_KEY, { query: "what is granite?" })).status).toBe(401);
    expect((await chat(SECRETS.LUMINA_API_KEY, { query: 42 })).status).toBe(400);
    // An article read (and a title the wiki does not have: a dead letter), so that a question about
    // it goes to the model, which fails: the rag-worker says so (5xx) and logs the failure.
    output += await cli(["seed", "Bodmin", "No such article zz"]);
    await waitFor(
      "Bodmin indexed",
      async () => JSON.parse(await cli(["status", "--json"])).knowledge?.articles === 1,
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const failed = await chat(SECRETS.LUMINA_API_KEY, { query: "What is Bodmin?" });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(modelSaw.some((h) => h.authorization === `Bearer ${SECRETS.LLM_API_KEY}`)).toBe(true);
    const models = await fetch(`http://127.0.0.1:${env.CHAT_PORT}/v1/models`, {
      headers: { authorization: `Bearer ${SECRETS.LUMINA_API_KEY}` },
    });
    expect(models.status).toBe(200);

    expect(await openSocket(["lumina", `bearer.${SECRETS.LUMINA_API_KEY}`])).toBe("open");
    expect(await openSocket(["lumina", `bearer.${WRONG_KEY}`])).toBe("401");

    output += await cli(["status"]);
    output += await cli(["doctor", "--json"]);
    output += await cli(["dlq", "list"]);

    // The scan sees what could carry a key (requests are not logged one by one): the failed chat
    // request with the model's error and stack, the reflections that fell back, the failed crawl.
    expect(output).toMatch(/"code":"llm_unavailable".*"msg":"request failed"/);
    expect(output).toMatch(/model crashed.*"msg":"reflection model busy or unreachable/);
    expect(output).toContain(env.LLM_BASE_URL);
    expect(output).toContain("No such article zz");
    for (const [name, secret] of Object.entries({ ...SECRETS, WRONG_KEY })) {
      expect(output.includes(secret), `${name} appears in the logs`).toBe(false);
    }
  }, 120_000);
});
