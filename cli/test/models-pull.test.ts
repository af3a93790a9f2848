import { readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { freePort, fixture } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers.ts";

// `lumina models pull` against a real HTTP server standing in for huggingface.co (MODELS_BASE_URL):
// it serves the tiny real GGUF file under phi-2's path, honours Range requests, and serves HTML under
// the embedding model's path.
let model: Buffer;
let server: Server;
let base: string;
const ranges: string[] = [];

const run = runCli;

beforeAll(async () => {
  model = await readFile(fixture("models/stories260K.gguf"));
  server = createServer((req, res) => {
    if (req.url?.endsWith("phi-2.Q4_K_M.gguf")) {
      const range = /bytes=(\d+)-/.exec(req.headers.range ?? "");
      if (range) {
        ranges.push(req.headers.range as string);
        const from = Number(range[1]);
        res.writeHead(206, {
          "content-length": model.length - from,
          "content-range": `bytes ${from}-${model.length - 1}/${model.length}`,
        });
        return res.end(model.subarray(from));
      }
      res.writeHead(200, { "content-length": model.length });
      return res.end(model);
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html>Sign in to continue</html>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("lumina models pull", () => {
  it("downloads a model into DATA_DIR/models with progress, and skips it the next time", async () => {
    const dataDir = await tempDir("lumina-models-");
    const first = await run(["models", "pull", "phi-2"], { DATA_DIR: dataDir, MODELS_BASE_URL: base });
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/phi-2: 100%/);
    expect(await readFile(join(dataDir, "models", "phi-2.Q4_K_M.gguf"))).toEqual(model);
    const again = await run(["models", "pull", "phi-2"], { DATA_DIR: dataDir, MODELS_BASE_URL: base });
    expect(again.out).toMatch(/already at/);
  });

  it("resumes a partial download with a Range request", async () => {
    const dataDir = await tempDir("lumina-models-");
    await run(["models", "pull", "no-such-model"], { DATA_DIR: dataDir }); // creates nothing
    const dir = join(dataDir, "models");
    await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }));
    await writeFile(join(dir, "phi-2.Q4_K_M.gguf.part"), model.subarray(0, 400_000));
    const { code, out } = await run(["models", "pull", "phi-2"], {
      DATA_DIR: dataDir,
      MODELS_BASE_URL: base,
    });
    expect(code).toBe(0);
    expect(out).toMatch(/\(resumed\)/);
    expect(ranges).toContain("bytes=400000-");
    expect(await readFile(join(dir, "phi-2.Q4_K_M.gguf"))).toEqual(model);
  });

  it("refuses a file that is not GGUF, keeping nothing of it", async () => {
    const dataDir = await tempDir("lumina-models-");
    const { code, err } = await run(["models", "pull", "bge-small-en-v1.5"], {
      DATA_DIR: dataDir,
      MODELS_BASE_URL: base,
    });
    expect(code).toBe(69);
    expect(err).toMatch(/does not start with the GGUF magic/);
    const file = join(dataDir, "models", "bge-small-en-v1.5-q8_0.gguf");
    await expect(stat(file)).rejects.toThrow();
    await expect(stat(`${file}.part`)).rejects.toThrow();
  });

  it("says what to do when the model host cannot be reached (as on machines without internet)", async () => {
    const dataDir = await tempDir("lumina-models-");
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { code, err } = await run(["models", "pull"], { DATA_DIR: dataDir, MODELS_BASE_URL: closed });
    expect(code).toBe(69);
    expect(err).toMatch(/phi-2: download failed: cannot reach 127\.0\.0\.1/);
    expect(err).toMatch(/Download it by hand from .*phi-2\.Q4_K_M\.gguf/);
    expect(err).toMatch(/LLM_MODEL_PATH/);
  });

  it("rejects an unknown model name with usage exit code 64", async () => {
    const { code, err } = await run(["models", "pull", "gpt-5"], {
      DATA_DIR: await tempDir("lumina-models-"),
    });
    expect(code).toBe(64);
    expect(err).toMatch(/known: phi-2, bge-small-en-v1.5/);
  });
});
