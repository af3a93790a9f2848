import { StreamPublisher } from "@lumina/bus";
import { GraphAdd } from "@lumina/events";
import { start as startRagWorker } from "@lumina/rag-worker";
import type { RunningService } from "@lumina/runtime";
import { start as startScratchVm } from "@lumina/scratch-vm";
import { fixture, scrapeMetric, startStack, type TestStack, waitFor } from "@lumina/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Reflections written by a model: scratch-vm asks the rag-worker's own model (stories260K.gguf, in
// process) for raw completions at background priority through /v1/chat/completions.
let stack: TestStack;
let redis: Redis;
let rag: RunningService;
let vm: RunningService;

beforeAll(async () => {
  stack = await startStack("lumina-reflect-");
  redis = stack.redis;
  const env = stack.env({
    EMBEDDER: "hashing",
  });
  rag = await stack.run(
    startRagWorker({
      ...env,
      CHAT_PORT: "0",
      LLM_MODEL_PATH: fixture("models/stories260K.gguf"),
      LLM_PROMPT_FORMAT: "plain",
      LLM_CONTEXT: "1024",
      LLM_THREADS: "1",
    }),
  );
  vm = await stack.run(
    startScratchVm({
      ...env,
      THINK_LLM_BASE_URL: `${rag.urls.chat}/v1`,
      THINK_MAX_TOKENS: "24",
      THINK_PROMPT_CHARS: "1200",
    }),
  );
});
afterAll(() => stack?.stop());

describe("model-written reflections (scratch-vm → rag-worker raw completions, background priority)", () => {
  it("writes every round with the model, counted as background tokens", async () => {
    await new StreamPublisher({ redis }).publish(GraphAdd, {
      title: "Lily",
      page_id: 3,
      revision: 1,
      url: "https://en.wikipedia.org/wiki/Lily",
      summary: "Lily is a little girl. She likes to play in the park with her dog. One day she found a ball.",
      fingerprint: "f".repeat(16),
      links: ["Park"],
      categories: [],
      sections: [],
      fetched_at: new Date().toISOString(),
    });
    await waitFor("three notes", async () => (await redis.xlen("think:note")) === 3, { timeoutMs: 30_000 });
    expect(await scrapeMetric(vm.urls.metrics as string, "scratch_notes_total", { writer: "llm" })).toBe(3);
    expect(
      await scrapeMetric(rag.urls.metrics as string, "llm_tokens_generated_total", {
        priority: "background",
      }),
    ).toBeGreaterThan(0);
    const ready = (await fetch(`${vm.urls.metrics}/readyz`).then((r) => r.json())) as {
      adapters: Record<string, string>;
    };
    expect(ready.adapters.notes).toBe(`llm at ${rag.urls.chat}/v1`);
  });

  it("answers a raw prompt longer than the model's context with 400 context_length_exceeded", async () => {
    const res = await fetch(`${rag.urls.chat}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "stories260K",
        messages: [{ role: "user", content: "Once upon a time there was a girl. ".repeat(400) }],
        lumina: { mode: "raw" },
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("context_length_exceeded");
  });
});
