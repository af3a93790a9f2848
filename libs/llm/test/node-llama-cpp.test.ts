import { fixture } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChatActivity,
  LlmBusyError,
  LlmUnavailableError,
  NodeLlamaCppLlm,
  PromptTooLongError,
} from "../src/index.ts";

// The real llama.cpp path with a real (tiny) GGUF model: stories260K, a llama-architecture model
// trained on TinyStories. It cannot answer questions; it proves loading, generation, streaming,
// token probabilities and scheduling.
let llm: NodeLlamaCppLlm;

beforeAll(async () => {
  llm = await NodeLlamaCppLlm.load({
    modelPath: fixture("models/stories260K.gguf"),
    contextSize: 256,
    sequences: 1,
    threads: 1,
    format: "plain",
    maxQueue: 3,
  });
});
afterAll(() => llm.close());

const ask = (content: string, extra: Partial<Parameters<NodeLlamaCppLlm["generate"]>[0]> = {}) =>
  llm.generate({ messages: [{ role: "user", content }], maxTokens: 24, priority: "chat", ...extra });

describe("NodeLlamaCppLlm (stories260K.gguf, CPU, 1 thread)", () => {
  it("generates text, streams the same text in order, and reports its mean log-probability", async () => {
    const pieces: string[] = [];
    const out = await ask("Once upon a time", { onText: (d) => pieces.push(d) });
    expect(out.tokens).toBeGreaterThan(5);
    expect(out.text).toMatch(/[a-z]{3,}/i);
    expect(pieces.join("")).toBe(out.text);
    expect(pieces.length).toBeGreaterThan(3);
    expect(out.meanLogprob).toBeLessThanOrEqual(0);
    expect(out.meanLogprob).toBeGreaterThan(-20);
    expect(["length", "stop"]).toContain(out.finishReason);
    // Greedy decoding: the same prompt gives the same text.
    expect((await ask("Once upon a time")).text).toBe(out.text);
  });

  it("counts tokens with the model's tokenizer", () => {
    expect(llm.countTokens("Once upon a time")).toBeGreaterThan(2);
    expect(llm.countTokens("Once upon a time there was a cat")).toBeGreaterThan(
      llm.countTokens("Once upon a time"),
    );
  });

  it("serves chat first: a running background generation gives its sequence up, waiting ones queue behind", async () => {
    const finished: string[] = [];
    const run = (name: string, priority: "chat" | "background", maxTokens = 16) =>
      llm.generate({ messages: [{ role: "user", content: "Lily" }], maxTokens, priority }).then(
        () => finished.push(name),
        (err: unknown) =>
          finished.push(err instanceof LlmBusyError ? `${name}: busy` : `${name}: ${String(err)}`),
      );
    // One sequence: the first request runs, the others wait in the queue (3 places).
    const first = run("bg-1", "background", 200);
    await new Promise((r) => setTimeout(r, 5)); // bg-1 is generating
    const waiting = [run("bg-2", "background"), run("bg-3", "background"), run("chat", "chat")];
    const refused = expect(llm.generate({ messages: [], maxTokens: 1, priority: "chat" })).rejects.toThrow(
      LlmBusyError,
    );
    await Promise.all([first, ...waiting]);
    await refused;
    // bg-1 stopped for the waiting chat request (its caller retries later); bg-2 and bg-3 ran after it.
    expect(finished).toEqual(["bg-1: busy", "chat", "bg-2", "bg-3"]);
  });

  it("refuses background work until backgroundQuietMs after the last chat generation", async () => {
    const quiet = await NodeLlamaCppLlm.load({
      modelPath: fixture("models/stories260K.gguf"),
      contextSize: 256,
      sequences: 1,
      threads: 1,
      format: "plain",
      maxQueue: 3,
      backgroundQuietMs: 400,
    });
    try {
      const gen = (priority: "chat" | "background") =>
        quiet.generate({ messages: [{ role: "user", content: "Lily" }], maxTokens: 4, priority });
      await expect(gen("background")).resolves.toMatchObject({ tokens: 4 }); // no chat yet
      await gen("chat");
      await expect(gen("background")).rejects.toThrow(LlmBusyError);
      await new Promise((r) => setTimeout(r, 450));
      await expect(gen("background")).resolves.toMatchObject({ tokens: 4 });
    } finally {
      await quiet.close();
    }
  });

  it("refuses background work while a chat request is in progress (ChatActivity)", async () => {
    const activity = new ChatActivity(0);
    const watched = await NodeLlamaCppLlm.load({
      modelPath: fixture("models/stories260K.gguf"),
      contextSize: 256,
      sequences: 1,
      threads: 1,
      format: "plain",
      maxQueue: 3,
      chatActivity: activity,
    });
    try {
      const background = () =>
        watched.generate({
          messages: [{ role: "user", content: "Lily" }],
          maxTokens: 4,
          priority: "background",
        });
      let release = () => {};
      const request = activity.during(() => new Promise<void>((r) => (release = r))); // retrieval, say
      await expect(background()).rejects.toThrow(LlmBusyError);
      release();
      await request;
      await expect(background()).resolves.toMatchObject({ finishReason: expect.any(String) });
    } finally {
      await watched.close();
    }
  });

  it("refuses a prompt longer than the context with PromptTooLongError", async () => {
    const long = "Once upon a time there was a little girl. ".repeat(100);
    await expect(ask(long)).rejects.toThrow(PromptTooLongError);
  });

  it("stops when its signal is aborted", async () => {
    const controller = new AbortController();
    const out = await ask("Once upon a time", {
      maxTokens: 200,
      signal: controller.signal,
      onText: () => controller.abort(),
    });
    expect(out.finishReason).toBe("abort");
    expect(out.tokens).toBeLessThan(5);
  });

  it("says how to fix a missing model file", async () => {
    await expect(
      NodeLlamaCppLlm.load({
        modelPath: "/nonexistent/phi-2.Q4_K_M.gguf",
        contextSize: 256,
        sequences: 1,
        threads: 1,
        format: "phi2",
        maxQueue: 1,
      }),
    ).rejects.toThrow(LlmUnavailableError);
  });
});
