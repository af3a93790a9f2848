import { start as startMemory } from "@lumina/memory-service";
import { startStack, type TestStack } from "@lumina/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

// The official mem0ai client's MemoryClient, unchanged, with `host` pointed at Lumina's memory service
// (the defaults, with an API key: the client sends `Authorization: Token <key>`). Its telemetry is
// turned off the documented way, since this machine reaches no outside host.
process.env.MEM0_TELEMETRY = "false";
const { MemoryClient } = await import("mem0ai");

let stack: TestStack;
let client: InstanceType<typeof MemoryClient>;
let host = "";

beforeAll(async () => {
  stack = await startStack("lumina-mem0-");
  host = (await stack.run(startMemory(stack.env({ MEMORY_PORT: "0", LUMINA_API_KEY: "sekret" })))).urls
    .memory as string;
  client = new MemoryClient({ apiKey: "sekret", host });
}, 60_000);
afterAll(() => stack?.stop());

it("adds, searches, lists, gets, updates, shows history and deletes through MemoryClient", async () => {
  const added = (await client.add(
    [
      { role: "user", content: "Hi, my name is Dana and I live in Lisbon. I love sailing." },
      { role: "assistant", content: "Nice to meet you, Dana!" },
    ],
    { user_id: "dana", metadata: { channel: "test" } },
  )) as unknown as {
    results: { id: string; memory: string; event: string; metadata: Record<string, unknown> }[];
  };
  const memories = added.results.map((r) => r.memory);
  expect(memories).toEqual(expect.arrayContaining(["name: Dana", "location: Lisbon", "likes: sailing"]));
  const message = added.results.find((r) => r.metadata.kind === "message");
  const name = added.results.find((r) => r.memory === "name: Dana");
  expect(name?.metadata).toMatchObject({ channel: "test", source_message_ids: [message?.id] });
  await client.add([{ role: "user", content: "My cat is called Miso" }], { user_id: "other", infer: false });

  const found = await client.search("Where does she live?", { filters: { user_id: "dana" }, topK: 3 });
  const hits = (found as unknown as { results: { memory: string; userId: string }[] }).results;
  expect(hits.length).toBeGreaterThan(0);
  expect(hits.every((h) => h.userId === "dana")).toBe(true);
  expect(hits.map((h) => h.memory)).toContain("location: Lisbon");

  const page = (await client.getAll({ filters: { user_id: "dana" } })) as unknown as {
    count: number;
    results: { id: string }[];
  };
  expect(page.count).toBe(added.results.length);

  const id = name?.id as string;
  expect(await client.get(id)).toMatchObject({ id, memory: "name: Dana", userId: "dana" });
  await client.update(id, { text: "Daniela" });
  expect(await client.get(id)).toMatchObject({ memory: "name: Daniela" });
  const history = await client.history(id);
  expect(history.map((h) => h.event)).toEqual(["ADD", "UPDATE"]);
  expect(history[1]).toMatchObject({ oldMemory: "name: Dana", newMemory: "name: Daniela" });

  const users = (await client.users()) as unknown as { results: { name: string }[] };
  expect(users.results.map((u) => u.name).sort()).toEqual(["dana", "other"]);

  await client.delete(id);
  await expect(client.get(id)).rejects.toThrow();
  await client.deleteAll({ userId: "dana" });
  const empty = (await client.getAll({ filters: { user_id: "dana" } })) as unknown as { count: number };
  expect(empty.count).toBe(0);
  const kept = (await client.getAll({ filters: { user_id: "other" } })) as unknown as {
    results: { memory: string }[];
  };
  expect(kept.results.map((r) => r.memory)).toEqual(["My cat is called Miso"]);
});

it("refuses a client with the wrong key", async () => {
  const res = await fetch(`${host}/v3/memories/search/`, {
    method: "POST",
    headers: { authorization: "Token wrong", "content-type": "application/json" },
    body: JSON.stringify({ query: "x", filters: { user_id: "dana" } }),
  });
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
});
