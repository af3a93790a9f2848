import { start as startMemory } from "@lumina/memory-service";
import { scrapeMetric, startStack, type TestStack } from "@lumina/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RecordedRequest, startRecordingLlm } from "./recording-llm.ts";

// The model writer of extraction: with MEMORY_LLM_BASE_URL set, the memory service asks an
// OpenAI-compatible server for a message's facts and episodes as JSON under a strict JSON schema,
// validates the answer, and falls back to the rules when the answer is not valid.
let stack: TestStack;
let api = "";
let metrics = "";
let llm: Awaited<ReturnType<typeof startRecordingLlm>>;

const MODEL_ANSWER = JSON.stringify({
  facts: [{ category: "preferences", key: "likes:rust", value: "Rust programming", confidence: 0.9 }],
  episodes: [{ type: "milestone", title: "Shipped a first Rust crate" }],
});

beforeAll(async () => {
  // The model answers about Rust; anything else gets prose, which is not valid extraction JSON.
  llm = await startRecordingLlm((r: RecordedRequest) =>
    JSON.stringify(r.messages).includes("Rust") ? MODEL_ANSWER : "Sure! The user is called Dana.",
  );
  stack = await startStack("lumina-model-extraction-");
  const service = await stack.run(startMemory(stack.env({ MEMORY_PORT: "0", MEMORY_LLM_BASE_URL: llm.url })));
  api = service.urls.memory as string;
  metrics = service.urls.metrics as string;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await llm?.close();
});

const add = (content: string) =>
  fetch(`${api}/v3/memories/add/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content }], user_id: "dana" }),
  }).then((r) => r.json() as Promise<{ results: { memory: string; metadata: Record<string, unknown> }[] }>);

it("keeps the facts and episodes the model returns under the JSON schema", async () => {
  const out = await add("I finally shipped my first crate, I am crazy about Rust these days");
  const fact = out.results.find((r) => r.metadata.kind === "fact");
  expect(fact).toMatchObject({
    memory: "likes: Rust programming",
    metadata: { extractor: "model", key: "likes:rust" },
  });
  expect(out.results.find((r) => r.metadata.kind === "episode")?.metadata).toMatchObject({
    type: "milestone",
  });
  const asked = llm.requests.at(-1);
  expect(asked?.response_format).toMatchObject({ type: "json_schema", json_schema: { strict: true } });
  expect(asked?.response_format?.json_schema?.schema).toMatchObject({ required: ["facts", "episodes"] });
});

it("falls back to the rules when the model's answer is not valid", async () => {
  const out = await add("My name is Dana and I live in Lisbon.");
  const facts = out.results.filter((r) => r.metadata.kind === "fact");
  expect(facts.map((f) => [f.memory, f.metadata.extractor])).toEqual([
    ["name: Dana", "rules"],
    ["location: Lisbon", "rules"],
  ]);
  expect(await scrapeMetric(metrics, "memory_extractions_total", { writer: "model" })).toBe(1);
  expect(await scrapeMetric(metrics, "memory_extractions_total", { writer: "rules" })).toBe(1);
});
