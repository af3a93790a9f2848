import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { start as startMemory } from "@lumina/memory-service";
import { start as startRagWorker } from "@lumina/rag-worker";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Forgetting a user (DELETE /v1/users/:user) reaches what the rag-worker keeps of them, through
// user:forgotten: their chat histories and rolling summaries in Redis, their turns in chat_long and
// their lines in the chat journal. Another user's stay. The defaults throughout (LanceDB, USE-lite).
let stack: TestStack;
let chat = "";
let memory = "";

const ask = async (user: string, session: string, query: string) => {
  const res = await fetch(`${chat}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, user, session }),
  });
  expect(res.status).toBe(200);
};
const keysOf = async (user: string) =>
  (
    await Promise.all(
      ["chat:history", "chat:summary", "chat:unsummarised"].map((k) => stack.redis.keys(`${k}:${user}::*`)),
    )
  ).flat();
async function journal(): Promise<string> {
  const root = join(stack.dataDir, "graphs", "chat");
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith("turns.ndjson"));
  return (await Promise.all(files.map((f) => readFile(join(root, f), "utf8")))).join("");
}
async function chatLong(session: string): Promise<number> {
  const store = await LanceDbStore.open(join(stack.dataDir, "vectors"));
  try {
    return await store.count("chat_long", { session });
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  stack = await startStack("lumina-forget-");
  const env = stack.env({ CHAT_PORT: "0", MEMORY_PORT: "0" });
  chat = (await stack.run(startRagWorker(env))).urls.chat as string;
  memory = (await stack.run(startMemory(env))).urls.memory as string;
}, 60_000);
afterAll(() => stack?.stop());

describe("forgetting a user", () => {
  it("deletes their chat histories, summaries, chat_long turns and journal lines, and no one else's", async () => {
    await ask("olga", "s1", "My name is Olga and I live in Riga");
    await ask("olga", "s2", "What is Bodmin?");
    await ask("ben", "s1", "My name is Ben");
    await waitFor(
      "the turns in chat_long",
      async () => (await chatLong("olga::s2")) === 1 && (await chatLong("ben::s1")) === 1,
      {
        timeoutMs: 20_000,
        intervalMs: 200,
      },
    );
    await waitFor(
      "Olga known to the memory service",
      async () => (await fetch(`${memory}/v1/users/olga/facts`)).ok,
      {
        timeoutMs: 20_000,
      },
    );
    expect((await keysOf("olga")).length).toBeGreaterThanOrEqual(2);
    expect(await journal()).toMatch(/olga::s1/);

    const res = await fetch(`${memory}/v1/users/olga`, { method: "DELETE" });
    expect(res.status).toBe(200);
    await waitFor(
      "Olga's chats forgotten",
      async () => (await keysOf("olga")).length === 0 && !(await journal()).includes("olga::"),
      {
        timeoutMs: 20_000,
        intervalMs: 200,
      },
    );
    expect(await chatLong("olga::s1")).toBe(0);
    expect(await chatLong("olga::s2")).toBe(0);
    expect(await journal()).not.toMatch(/Riga/);

    expect(await chatLong("ben::s1")).toBe(1);
    expect((await keysOf("ben")).length).toBeGreaterThanOrEqual(1);
    expect(await journal()).toMatch(/"session":"ben::s1"/);
    const entries = (await stack.redis.xrange("user:forgotten", "-", "+")) as [string, string[]][];
    expect(entries.map(([, f]) => f[f.indexOf("user") + 1])).toEqual(["olga"]);
  }, 90_000);
});
