import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, writeTestLora } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmUnavailableError, NodeLlamaCppLlm } from "../src/index.ts";

// Hot swap on the real llama.cpp path: stories260K.gguf and a LoRA adapter file in llama.cpp's GGUF
// adapter format written for it (pseudo-random weights: it loads and changes the output; it is not trained).
const base = fixture("models/stories260K.gguf");
let dir: string;
let llm: NodeLlamaCppLlm;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lumina-lora-"));
  await writeTestLora(base, join(dir, "v1.gguf"), { seed: "v1" });
  await writeTestLora(base, join(dir, "v2.gguf"), { seed: "v2" });
  await writeFile(join(dir, "broken.gguf"), "not a gguf file");
  llm = await NodeLlamaCppLlm.load({
    modelPath: base,
    contextSize: 256,
    sequences: 1,
    threads: 1,
    format: "plain",
    maxQueue: 8,
  });
});
afterAll(async () => {
  await llm.close();
  await rm(dir, { recursive: true, force: true });
});

const ask = (maxTokens = 16) =>
  llm.generate({ messages: [{ role: "user", content: "Once upon a time" }], maxTokens, priority: "chat" });

describe("NodeLlamaCppLlm LoRA hot swap (stories260K.gguf)", () => {
  it("serves new requests with the new adapter while a running request finishes on the old context", async () => {
    const baseText = (await ask(48)).text;
    expect(llm.adapter).toBeUndefined();

    const running = ask(48); // started on the base context
    await llm.useAdapter({ version: 1, path: join(dir, "v1.gguf") });
    expect(llm.adapter).toEqual({ version: 1, path: join(dir, "v1.gguf") });
    const during = await running;
    expect(during.text).toBe(baseText); // not cut off, not switched mid-way

    const v1Text = (await ask(48)).text;
    expect(v1Text).not.toBe(baseText);
    await llm.useAdapter({ version: 2, path: join(dir, "v2.gguf") });
    const v2Text = (await ask(48)).text;
    expect(v2Text).not.toBe(v1Text);
    expect((await ask(48)).text).toBe(v2Text); // the swap is stable: greedy decoding repeats itself
  });

  it("keeps the adapter in use when a new one cannot be loaded", async () => {
    const before = llm.adapter;
    const text = (await ask()).text;
    await expect(llm.useAdapter({ version: 9, path: join(dir, "broken.gguf") })).rejects.toThrow(
      LlmUnavailableError,
    );
    await expect(llm.useAdapter({ version: 9, path: join(dir, "missing.gguf") })).rejects.toThrow(
      /cannot be read/,
    );
    expect(llm.adapter).toEqual(before);
    expect((await ask()).text).toBe(text);
  });

  it("answers every request sent while adapters are swapped back and forth", async () => {
    const requests = Array.from({ length: 6 }, () => ask(8));
    const swaps = [1, 2, 1].map((v) => llm.useAdapter({ version: v, path: join(dir, `v${v}.gguf`) }));
    const results = await Promise.allSettled([...requests, ...swaps]);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(llm.adapter?.version).toBe(1);
  });
});
