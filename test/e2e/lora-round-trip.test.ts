import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { start as startRagWorker } from "@lumina/rag-worker";
import type { RunningService } from "@lumina/runtime";
import { fixture, scrapeMetric, startStack, type TestStack, waitFor } from "@lumina/testing";
import { start as startTrainer } from "@lumina/trainer";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The LoRA round trip with no human step: low-confidence chat turns → qa:turn → the trainer's pool →
// a dataset → TRAIN_CMD → adapter:updated → the rag-worker hot-swaps the adapter on its real
// node-llama-cpp model (stories260K.gguf) while requests keep arriving. TRAIN_CMD is the stand-in
// trainer (ops/training/lora-stand-in.ts): a real process writing a real GGUF LoRA file, untrained.
const root = fileURLToPath(new URL("../..", import.meta.url));
const model = fixture("models/stories260K.gguf");
let stack: TestStack;
let redis: Redis;
let rag: RunningService;
let trainer: RunningService;

beforeAll(async () => {
  stack = await startStack("lumina-lora-e2e-");
  redis = stack.redis;
  const env = stack.env({
    EMBEDDER: "hashing",
  });
  rag = await stack.run(
    startRagWorker({
      ...env,
      CHAT_PORT: "0",
      LLM_MODEL_PATH: model,
      LLM_PROMPT_FORMAT: "plain",
      LLM_CONTEXT: "512",
      LLM_THREADS: "1",
      LLM_SEQUENCES: "2",
    }),
  );
  trainer = await stack.run(
    startTrainer({
      ...env,
      TRAIN_BATCH: "3",
      TRAIN_CHECK_S: "0.2",
      TRAIN_BASE_MODEL: model,
      TRAIN_CMD: `${join(root, "node_modules/.bin/tsx")} ${join(root, "ops/training/lora-stand-in.ts")} --base {base_model} --dataset {dataset} --out {output}`,
    }),
  );
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown) =>
  fetch(`${rag.urls.chat}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const raw = () =>
  post("/v1/chat/completions", {
    model: "stories260K",
    messages: [{ role: "user", content: "Once upon a time" }],
    max_tokens: 24,
    lumina: { mode: "raw", priority: "chat" },
  });
const ready = async () =>
  (await fetch(`${rag.urls.metrics}/readyz`).then((r) => r.json())) as { adapters: Record<string, string> };

describe("LoRA round trip (rag-worker on stories260K.gguf, trainer with a real TRAIN_CMD)", () => {
  it("turns low-confidence answers into an adapter the rag-worker swaps in with no failed request", async () => {
    expect((await ready()).adapters.lora).toBe("none (base model)");
    const before = ((await (await raw()).json()) as { choices: { message: { content: string } }[] })
      .choices[0]?.message.content;

    // Requests keep arriving through the whole round trip; every one must succeed.
    const statuses: number[] = [];
    let stop = false;
    const load = (async () => {
      while (!stop) statuses.push((await raw()).status);
    })();

    // Lumina has read nothing, so every answer is low-confidence: three turns fill TRAIN_BATCH.
    for (const query of ["Who built the priory?", "Where is Bodmin Moor?", "When did the mill close?"]) {
      const res = await post("/chat", { query, session: "lora" });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { confidence: number }).confidence).toBeLessThan(0.5);
    }
    await waitFor(
      "adapter swapped in",
      async () => (await ready()).adapters.lora?.startsWith("v1: ") === true,
      {
        timeoutMs: 60_000,
      },
    );
    await new Promise((r) => setTimeout(r, 500)); // requests on the new adapter too
    stop = true;
    await load;

    expect(statuses.length).toBeGreaterThan(3);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect((await ready()).adapters.lora).toBe(`v1: ${join(stack.dataDir, "adapters", "lora-v1.gguf")}`);
    expect(await scrapeMetric(rag.urls.metrics as string, "adapter_version", { service: "rag-worker" })).toBe(
      1,
    );
    expect(
      await scrapeMetric(trainer.urls.metrics as string, "adapter_version", { service: "trainer" }),
    ).toBe(1);
    expect(await scrapeMetric(trainer.urls.metrics as string, "chat_lora_samples_total")).toBe(3);
    const after = ((await (await raw()).json()) as { choices: { message: { content: string } }[] }).choices[0]
      ?.message.content;
    expect(after).not.toBe(before); // the adapter is applied to what the model generates
  });

  it("keeps the adapter in use when a new one cannot be loaded, and dead-letters a malformed announcement", async () => {
    const inUse = (await ready()).adapters.lora;
    await redis.xadd(
      "adapter:updated",
      "*",
      "version",
      "2",
      "path",
      join(stack.dataDir, "missing.gguf"),
      "base_model",
      model,
      "samples",
      "1",
      "ts",
      new Date().toISOString(),
    );
    await redis.xadd("adapter:updated", "*", "version", "three", "path", "x");
    await waitFor("refusal reported", async () => {
      const r = (await fetch(`${rag.urls.metrics}/readyz`).then((res) => res.json())) as {
        fallbacks: string[];
      };
      return r.fallbacks.some(
        (f) => f.startsWith("LoRA adapter v2 not in use") && f.includes("cannot be read"),
      );
    });
    expect((await ready()).adapters.lora).toBe(inUse);
    expect((await raw()).status).toBe(200);
    await waitFor("dead-lettered", async () => (await redis.xlen("adapter:updated:dlq")) === 1);
    const [[, dead]] = (await redis.xrange("adapter:updated:dlq", "-", "+")) as [[string, string[]]];
    expect(dead.join(" ")).toMatch(/dlq_reason invalid adapter:updated entry/);
    expect(await scrapeMetric(rag.urls.metrics as string, "adapter_swaps_total", { result: "failed" })).toBe(
      1,
    );
  });
});
