import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { start as startCrawler } from "@lumina/crawler";
import { start as startIndexer } from "@lumina/indexer";
import { start as startMemory } from "@lumina/memory-service";
import { start as startRagWorker } from "@lumina/rag-worker";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingLlm } from "./recording-llm.ts";

// Persona and emotion end to end: the rag-worker with an OpenAI-compatible test server that records
// every prompt, the memory service moving the user's affinity from each turn, the defaults otherwise
// (the built-in persona, SQLite, LanceDB, USE-lite), over two articles read from the local wiki.
let stack: TestStack;
let wiki: WikiFixture;
let llm: Awaited<ReturnType<typeof startRecordingLlm>>;
let chat = "";
let memory = "";
let memoryMetrics = "";

type Affinity = {
  personality_name: string;
  affinity_points: number;
  current_level: string;
  total_messages: number;
};
const affinity = async (user: string) =>
  (await (await fetch(`${memory}/v1/users/${user}/affinity`)).json()) as {
    affinity: Affinity[];
    moods: { session_id: string; current_mood: string }[];
  };
const say = async (user: string, query: string) => {
  const res = await fetch(`${chat}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, user, session: "s1" }),
  });
  const body = (await res.json()) as { persona: { level: string; mood: string } };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};
const system = () => llm.prompts.at(-1)?.find((m) => m.role === "system")?.content ?? "";
/** One turn, then until the memory service has counted it. */
const turn = async (user: string, query: string, count: number) => {
  await say(user, query);
  await waitFor(
    `turn ${count} counted`,
    async () => (await affinity(user)).affinity[0]?.total_messages === count,
  );
};

beforeAll(async () => {
  llm = await startRecordingLlm((r) =>
    r.messages[0]?.content.startsWith("Summarise this conversation")
      ? "Sam has asked ten times about moors and pottery."
      : "Glad you asked. [1]",
  );
  stack = await startStack("lumina-persona-");
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
  const env = stack.env({
    CHAT_PORT: "0",
    MEMORY_PORT: "0",
    LLM_BASE_URL: llm.url,
    WIKI_API_URL: wiki.apiUrl,
    LOG_LEVEL: "error", // nothing here should fail: if a request does, its log says why
  });
  await stack.run(startIndexer(env));
  await stack.run(startCrawler(env));
  chat = (await stack.run(startRagWorker(env))).urls.chat as string;
  const m = await stack.run(startMemory(env));
  memory = m.urls.memory as string;
  memoryMetrics = m.urls.metrics as string;
  for (const t of ["Bodmin", "Goryeo ware"]) await stack.redis.xadd("crawl:req", "*", "url", t);
  await waitFor("both read", async () => (await stack.redis.scard("kg:nodes")) >= 2, { timeoutMs: 60_000 });
  await waitFor(
    "indexed",
    async () => ((await stack.redis.xpending("graph:add", "indexer")) as [number])[0] === 0,
  );
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await wiki?.close();
  await llm?.close();
});

describe("persona and emotion, with a model", () => {
  it("friendly messages raise affinity from stranger to acquaintance, and the prompt changes with it", async () => {
    await turn("mia", "Hello! What is Bodmin?", 1);
    expect(system()).toMatch(/^You are Lumina: a knowledge assistant/);
    expect(system()).toContain("Your relationship with this user: stranger (affinity 0 of 100).");
    expect(system()).toContain("- Tone: polite and neutral."); // lumina.json, level stranger
    const friendly = "Thank you so much, you are wonderful and I love talking with you!";
    for (let i = 2; i <= 6; i++) await turn("mia", friendly, i);
    const [a] = (await affinity("mia")).affinity;
    expect(a).toMatchObject({ personality_name: "lumina", current_level: "acquaintance" });
    expect(a?.affinity_points).toBeGreaterThan(20);

    const reply = await say("mia", "Tell me about Goryeo ware.");
    expect(reply.persona.level).toBe("acquaintance");
    await waitFor("turn 7 counted", async () => (await affinity("mia")).affinity[0]?.total_messages === 7);
    expect(system()).toMatch(/Your relationship with this user: acquaintance \(affinity \d+ of 100\)\./);
    expect(system()).toContain("- Tone: friendly and relaxed.");
    expect(system()).not.toContain("polite and neutral");

    // The level change: an event, a metric, the CLI.
    const events = (await stack.redis.xrange("affinity:level", "-", "+")) as [string, string[]][];
    expect(events.map(([, f]) => f.join(" "))).toContainEqual(
      expect.stringMatching(/user mia persona lumina from_level stranger to_level acquaintance/),
    );
    const metrics = await (await fetch(`${memoryMetrics}/metrics`)).text();
    expect(metrics).toMatch(
      /memory_affinity_level_changes_total\{persona="lumina",direction="up",service="memory"\} 1/,
    );
    const cli = await promisify(execFile)(
      process.execPath,
      ["cli/bin/lumina.js", "memory", "affinity", "--user", "mia"],
      {
        env: { ...process.env, MEMORY_URL: memory },
      },
    );
    expect(cli.stdout).toMatch(
      /^lumina: acquaintance \(\d+(\.\d+)?\/100\) · 7 messages, 5 positive, 0 negative/m,
    );
  });

  it("a sad message adds the emotional-context block with a past emotional episode", async () => {
    await turn("leo", "My grandmother died last month and I still feel so sad and lonely.", 1);
    await waitFor("the emotional moment remembered", async () => {
      const e = (await (await fetch(`${memory}/v1/users/leo/episodes`)).json()) as {
        episodes: { type: string; metadata: { emotion?: string } }[];
      };
      return e.episodes.some((x) => x.type === "emotional_moment" && x.metadata.emotion === "sadness");
    });
    expect((await affinity("leo")).moods).toEqual([
      expect.objectContaining({ session_id: "s1", current_mood: "concerned" }),
    ]);

    await say("leo", "What is the weather like in Bodmin?"); // no feeling: no block
    expect(system()).not.toContain("Emotional context:");

    const reply = await say("leo", "I feel so sad and alone today, I keep crying.");
    expect(reply.persona.mood).toBe("concerned");
    const prompt = system();
    expect(prompt).toMatch(
      /Emotional context: the user seems to feel sadness \(\d+ %\) — respond with empathy and warmth/,
    );
    expect(prompt).toMatch(
      /Relevant past emotional moments:\n- \d{4}-\d{2}-\d{2}: My grandmother died last month/,
    );
    expect(prompt).toContain("Your mood in this conversation: concerned");
    expect(prompt).toContain("- Tone: gentle and reassuring.");
    // Never another user's moments.
    await say("mia", "I am so sad today.");
    expect(system()).not.toContain("grandmother");
  });

  it("folds every ten turns into a rolling summary the model writes, which the next prompt carries", async () => {
    for (let i = 1; i <= 10; i++) await say("sam", `Question ${i}: what is Bodmin known for?`);
    await waitFor("the summary written", async () =>
      llm.requests.some((r) => r.messages[0]?.content.startsWith("Summarise this conversation")),
    );
    const request = llm.requests.find((r) =>
      r.messages[0]?.content.startsWith("Summarise this conversation"),
    );
    expect(request?.messages[1]?.content).toMatch(/^User: Question 1: .*User: Question 10:/s);
    await waitFor("the summary stored", async () => (await stack.redis.get("chat:summary:sam::s1")) !== null);
    await say("sam", "And Goryeo ware?");
    expect(system()).toContain(
      "Summary of the conversation so far: Sam has asked ten times about moors and pottery.",
    );
    expect(await stack.redis.llen("chat:unsummarised:sam::s1")).toBe(1); // the eleventh waits for the next batch
  });
});
