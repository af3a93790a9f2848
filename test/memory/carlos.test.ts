import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { start as startMemory } from "@lumina/memory-service";
import { start as startRagWorker } from "@lumina/rag-worker";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingLlm } from "./recording-llm.ts";

// The design's scenario, end to end through /chat with the defaults (no model, SQLite, LanceDB,
// USE-lite): the rag-worker publishes chat:turn, the memory service draws facts from it, and a later
// question about the user is answered from those facts, citing the message they came from.
let stack: TestStack;
let chat = "";
let memory = "";

type Answer = {
  id: string;
  answer: string;
  confidence: number;
  sources: { kind: string; id: string; snippet: string }[];
};
type Fact = {
  id: string;
  key: string;
  value: unknown;
  source_message_id: string;
  mention_count: number;
  user_id: string;
};

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const ask = async (user: string, query: string, session = "s1") => {
  const r = await post(`${chat}/chat`, { query, user, session });
  expect(r.status).toBe(200);
  return r.body as unknown as Answer;
};
const facts = async (user: string) =>
  ((await (await fetch(`${memory}/v1/users/${user}/facts`)).json()) as { facts: Fact[] }).facts;

beforeAll(async () => {
  stack = await startStack("lumina-carlos-");
  const env = stack.env({ CHAT_PORT: "0", MEMORY_PORT: "0" });
  chat = (await stack.run(startRagWorker(env))).urls.chat as string;
  memory = (await stack.run(startMemory(env))).urls.memory as string;
}, 60_000);
afterAll(() => stack?.stop());

describe("memory of the user, without a model", () => {
  let told: Answer;
  it("remembers a name and a trip from «Me llamo Carlos, voy al Himalaya», with their message", async () => {
    told = await ask("carlos", "Me llamo Carlos, voy al Himalaya");
    expect(told.answer).toMatch(/Carlos/);
    expect(told.answer).toMatch(/Himalaya/);
    await waitFor("two facts", async () => (await facts("carlos")).length === 2, { timeoutMs: 20_000 });
    const byKey = Object.fromEntries((await facts("carlos")).map((f) => [f.key, f]));
    expect(byKey.name).toMatchObject({ value: "Carlos", source_message_id: `${told.id}:q` });
    expect(byKey.travel_destination).toMatchObject({ value: "Himalaya", source_message_id: `${told.id}:q` });
    const gaps = (await stack.redis.xrange("gap:req", "-", "+")) as [string, string[]][];
    expect(gaps.map(([, f]) => f.join(" "))).not.toContainEqual(expect.stringMatching(/Carlos|Himalaya/));
    // Nor is it an interest for the planner: what someone says of themselves is not a topic to read.
    expect(await stack.redis.lrange("interests:questions", 0, -1)).not.toContainEqual(
      expect.stringMatching(/Carlos/),
    );
  });

  it("answers «¿Cómo me llamo?» with Carlos, citing the fact and his message", async () => {
    const a = await ask("carlos", "¿Cómo me llamo?", "another-session");
    expect(a.answer).toMatch(/Te llamas Carlos/);
    expect(a.sources[0]).toMatchObject({ kind: "fact", snippet: "Me llamo Carlos, voy al Himalaya" });
    expect(a.confidence).toBeGreaterThan(0.5);
    const trip = await ask("carlos", "¿A dónde voy?");
    expect(trip.answer).toMatch(/Himalaya/);
  });

  it("answers «¿Cómo te llamas?» with the persona's name and Carlos's, in the persona's words", async () => {
    const a = await ask("carlos", "¿Cómo te llamas?");
    expect(a.answer).toMatch(/^Me llamo Lumina/); // the built-in persona's Spanish fallback
    expect(a.answer).toMatch(/Y tú eres Carlos\./);
    const sakura = await post(`${chat}/chat`, {
      query: "¿Cómo te llamas?",
      user: "carlos",
      persona: "sakura",
    });
    expect(sakura.body.answer).toMatch(/^Me llamo Sakura\..*Y tú eres Carlos, lo recuerdo\./);
    // Someone Lumina knows nothing of gets the persona's name alone.
    expect((await ask("nadie", "¿Cómo te llamas?")).answer).not.toMatch(/Carlos|tú eres/);
  });

  it("never answers one user from another's facts, through /chat or the memory API", async () => {
    // The vectors are written just after the facts: wait until Carlos's own search finds them.
    let results: { user_id: string; memory: string }[] = [];
    await waitFor("Carlos's memories searchable", async () => {
      const own = await post(`${memory}/v3/memories/search/`, {
        query: "Himalaya",
        filters: { user_id: "carlos" },
      });
      results = own.body.results as typeof results;
      return results.length > 0;
    });
    expect(results.every((r) => r.user_id === "carlos")).toBe(true);
    const a = await ask("ana", "¿Cómo me llamo?");
    expect(a.answer).not.toMatch(/Carlos/);
    expect(a.sources.map((s) => s.kind)).not.toContain("fact");
    // Ana's turn reaches the memory service over chat:turn; until it does, she is an unknown user (404).
    await waitFor("Ana's message remembered", async () => {
      const res = await fetch(`${memory}/v1/users/ana/messages`);
      return res.status === 200 && ((await res.json()) as { messages: unknown[] }).messages.length > 0;
    });
    expect(await facts("ana")).toEqual([]);
    const search = await post(`${memory}/v3/memories/search/`, {
      query: "Carlos Himalaya",
      filters: { user_id: "ana" },
    });
    expect(search.status).toBe(200);
    expect(JSON.stringify(search.body.results)).not.toMatch(/Carlos|Himalaya/);
    const listed = await post(`${memory}/v3/memories/`, { filters: { user_id: "ana" } });
    expect(JSON.stringify(listed.body.results)).not.toMatch(/Carlos|Himalaya/);
    const episodes = await (await fetch(`${memory}/v1/users/ana/episodes`)).json();
    expect(episodes).toEqual({ episodes: [] });
  });

  it("the CLI shows each user only their own memory, and exports and imports it", async () => {
    const lumina = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["cli/bin/lumina.js", "memory", ...args], {
        env: { ...process.env, MEMORY_URL: memory },
      });
    expect((await lumina("facts", "--user", "carlos")).stdout).toMatch(/personal_info\/name = "Carlos"/);
    expect((await lumina("facts", "--user", "ana")).stdout).not.toMatch(/Carlos/);
    expect((await lumina("search", "Himalaya", "--user", "ana")).stdout).not.toMatch(/Himalaya/);
    expect((await lumina("search", "Himalaya", "--user", "carlos")).stdout).toMatch(/Himalaya/);
    const dir = await mkdtemp(join(tmpdir(), "lumina-memory-cli-"));
    try {
      const file = join(dir, "carlos.json");
      await lumina("export", "--user", "carlos", "--out", file);
      expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({
        format: "lumina.memory.v1",
        user_id: "carlos",
      });
      const imported = await lumina("import", file, "--user", "carlos-copy");
      expect(imported.stderr).toMatch(/imported \d+\/\d+ records/);
      expect((await lumina("facts", "--user", "carlos-copy")).stdout).toMatch(
        /travel_destination = "Himalaya"/,
      );
      await lumina("forget", "--user", "carlos-copy");
      const gone = await lumina("facts", "--user", "carlos-copy").catch(
        (err: { code: number; stderr: string }) => err,
      );
      expect(gone).toMatchObject({ code: 1, stderr: expect.stringMatching(/404 user_not_found/) });
      const usage = await lumina("facts").catch((err: { code: number; stderr: string }) => err);
      expect(usage).toMatchObject({ code: 64, stderr: expect.stringMatching(/--user is required/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a chat:turn delivered again writes no fact, episode or message twice", async () => {
    const [entry] = (await stack.redis.xrange("chat:turn", "-", "+", "COUNT", 1)) as [string, string[]][];
    const before = (await (await fetch(`${memory}/v1/users/carlos/export`)).json()) as Record<
      string,
      unknown
    >;
    await stack.redis.xadd("chat:turn", "*", ...(entry as [string, string[]])[1]);
    await waitFor(
      "the copy consumed",
      async () =>
        ((await stack.redis.xpending("chat:turn", "memory")) as [number])[0] === 0 &&
        (await stack.redis.xlen("chat:turn")) > 0,
    );
    await new Promise((r) => setTimeout(r, 300));
    const after = (await (await fetch(`${memory}/v1/users/carlos/export`)).json()) as typeof before;
    expect({ ...after, exported_at: "" }).toEqual({ ...before, exported_at: "" });
    expect((await facts("carlos")).map((f) => f.mention_count)).toEqual([1, 1]);
  });

  it("answers bad input with 4xx JSON errors and dead-letters a malformed chat:turn", async () => {
    const noUser = await post(`${memory}/v3/memories/add/`, { messages: [{ role: "user", content: "hi" }] });
    expect(noUser.status).toBe(400);
    expect(noUser.body).toMatchObject({ error: { code: "invalid_request" } });
    const badUser = await post(`${chat}/chat`, { query: "hi", user: "no spaces allowed" });
    expect(badUser.status).toBe(400);
    const badJson = await fetch(`${memory}/v3/memories/add/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(badJson.status).toBe(400);
    const notSnapshot = await post(`${memory}/v1/users/carlos/import`, { format: "other" });
    expect(notSnapshot.status).toBe(400);
    expect(notSnapshot.body).toMatchObject({ error: { code: "invalid_request" } });
    const unknown = await fetch(`${memory}/v1/users/nobody/facts`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "user_not_found" } });
    expect((await fetch(`${memory}/v1/memories/no-such-id/`)).status).toBe(404);
    // An import larger than MEMORY_IMPORT_MAX_BYTES (here 4 KiB) is refused whole.
    const small = await startMemory(stack.env({ MEMORY_PORT: "0", MEMORY_IMPORT_MAX_BYTES: "4096" }));
    const big = await post(`${small.urls.memory}/v1/users/carlos/import`, {
      format: "lumina.memory.v1",
      user_id: "carlos",
      exported_at: "",
      messages: [],
      facts: [],
      fact_history: [],
      episodes: [],
      padding: "x".repeat(8192),
    });
    expect(big.status).toBe(413);
    await small.stop();
    expect(big.body).toMatchObject({ error: { code: "body_too_large" } });
    await stack.redis.xadd(
      "chat:turn",
      "*",
      "turn_id",
      "x",
      "user",
      "bad user",
      "session",
      "s",
      "query",
      "q",
      "answer",
      "a",
      "confidence",
      "2",
      "ts",
      "now",
    );
    await waitFor("dead-lettered", async () => (await stack.redis.xlen("chat:turn:dlq")) === 1);
  });
});

describe("memory of the user, with a model", () => {
  it("puts the user's facts into the prompt", async () => {
    const llm = await startRecordingLlm("You are Carlos.");
    try {
      const env = stack.env({ CHAT_PORT: "0", LLM_BASE_URL: llm.url, RAG_WORKER_METRICS_PORT: "0" });
      const withModel = (await stack.run(startRagWorker(env))).urls.chat as string;
      const r = await post(`${withModel}/chat`, { query: "What is my name?", user: "carlos" });
      expect(r.status).toBe(200);
      const prompt = (llm.prompts.at(-1) ?? []).map((m) => m.content).join("\n");
      expect(prompt).toMatch(/name: Carlos/);
      expect(prompt).toMatch(/travel destination: Himalaya/);
      // An emotional moment, remembered as an episode, comes back in the prompt when it is relevant.
      await ask("carlos", "My grandfather died yesterday and I feel awful.");
      await waitFor("the episode, searchable", async () => {
        const found = await post(`${memory}/v1/users/carlos/search`, { query: "grandfather died" });
        return (found.body.results as { metadata: { type?: string } }[]).some(
          (r) => r.metadata.type === "emotional_moment",
        );
      });
      // The rag-worker's connection sees the memory service's writes within a second (LanceDB's read
      // consistency interval): ask until the prompt holds the episode.
      const moment = /A moment the user shared \([0-9-]+, very_negative\): My grandfather died/;
      await waitFor("the episode in the prompt", async () => {
        await post(`${withModel}/chat`, {
          query: "Do you remember what happened to my grandfather?",
          user: "carlos",
        });
        return moment.test(JSON.stringify(llm.prompts.at(-1)));
      });
      const seen = llm.prompts.length;
      const other = await post(`${withModel}/chat`, { query: "What is my name?", user: "ana" });
      expect(other.status).toBe(200);
      // Nothing of Carlos reaches a prompt made for Ana (a rolling summary of Carlos's own session may
      // be folded meanwhile: that one is his), nor her answer.
      const forAna = llm.prompts
        .slice(seen)
        .filter((p) => !p[0]?.content.startsWith("Summarise this conversation"));
      expect(JSON.stringify(forAna)).not.toMatch(/Carlos|Himalaya/);
      expect(JSON.stringify(other.body)).not.toMatch(/Carlos|Himalaya/);
    } finally {
      await llm.close();
    }
  });
});
