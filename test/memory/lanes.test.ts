import { poolStats } from "@lumina/embeddings";
import { start as startMemory } from "@lumina/memory-service";
import { start as startRagWorker } from "@lumina/rag-worker";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Which queue of the process's embedding pool each service's texts go to, with the defaults: the
// question a person waits for on the chat lane, what the memory service learns from the turn behind it.
let stack: TestStack;
let chat = "";
let memory = "";

beforeAll(async () => {
  stack = await startStack("lumina-lanes-");
  const env = stack.env({ CHAT_PORT: "0", MEMORY_PORT: "0" });
  chat = (await stack.run(startRagWorker(env))).urls.chat as string;
  memory = (await stack.run(startMemory(env))).urls.memory as string;
}, 60_000);
afterAll(() => stack?.stop());

describe("the embedding lanes of chat and memory", () => {
  it("embeds the question on the chat lane and the turn's memories behind it", async () => {
    const before = poolStats()[0]?.embedded ?? { interactive: 0, background: 0, idle: 0 };
    const res = await fetch(`${chat}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "My name is Zoe and I live in Tartu", user: "zoe" }),
    });
    expect(res.status).toBe(200);
    await waitFor("Zoe's facts", async () => (await fetch(`${memory}/v1/users/zoe/facts`)).status === 200);
    // The message and its facts are embedded once the turn is remembered: wait for their vectors.
    await waitFor("the turn's memories embedded", async () => (poolStats()[0]?.embedded.background ?? 0) > 0);
    const after = poolStats()[0]?.embedded as typeof before;
    expect(after.interactive - before.interactive).toBe(1); // the question, and nothing else
    expect(after.background - before.background).toBeGreaterThanOrEqual(2); // the message, a fact or more
  }, 60_000);
});
