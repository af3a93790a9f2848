import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start as startCrawler } from "@lumina/crawler";
import { start as startIndexer } from "@lumina/indexer";
import type { RunningService } from "@lumina/runtime";
import { fixture, startStack, type TestStack, waitFor } from "@lumina/testing";
import { sentences } from "@lumina/text";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import type { Redis } from "ioredis";
import { OpenAiEmbedder, UseLiteEmbedder } from "@lumina/embeddings";
import { OpenAiCompatibleLlm } from "@lumina/llm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { start } from "../src/main.ts";

// The real pipeline: wiki fixture → crawler → indexer (USE-lite, LanceDB on disk) → rag-worker's HTTP
// API, on a real redis-server. Started once for the file; each test asks its own questions.
let stack: TestStack;
let redis: Redis;
let wiki: WikiFixture;
let dataDir: string;
let chat: string;
const running: RunningService[] = [];

const baseEnv = () =>
  stack.env({
    WIKI_API_URL: wiki.apiUrl,
  });
/** A rag-worker running the tiny real GGUF model in process. */
const storiesEnv = () => ({
  ...baseEnv(),
  CHAT_PORT: "0",
  LLM_MODEL_PATH: fixture("models/stories260K.gguf"),
  LLM_PROMPT_FORMAT: "plain",
  LLM_CONTEXT: "1024",
  LLM_THREADS: "1",
});
const ARTICLES = ["Damphu drum", "Goryeo ware", "Jerry Mumphrey"];

async function post(path: string, body: unknown, headers: Record<string, string> = {}, base = chat) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Reply };
}

/** A /chat answer or an error body, loosely typed for assertions. */
interface Reply {
  id: string;
  answer: string;
  cite_ids: string[];
  sources: { id: string; quote?: { text: string; start: number; end: number }; permalink?: string }[];
  confidence: number;
  model: string;
  persona: { key: string; name: string; level: string; mood: string };
  error: { code: string; message: string };
}

beforeAll(async () => {
  stack = await startStack("lumina-rag-");
  ({ redis, dataDir } = stack);
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
  running.push(await startCrawler(baseEnv()), await startIndexer(baseEnv()));
  const rag = await start({ ...baseEnv(), CHAT_PORT: "0" });
  running.push(rag);
  chat = rag.urls.chat as string;
  for (const title of ARTICLES) await redis.xadd("crawl:req", "*", "url", title);
  await waitFor("articles indexed", async () => (await redis.scard("kg:nodes")) === ARTICLES.length, {
    timeoutMs: 60_000,
  });
  await waitFor(
    "indexer done",
    async () => ((await redis.xpending("graph:add", "indexer")) as [number])[0] === 0,
  );
}, 90_000);
afterAll(async () => {
  for (const s of running.splice(0).reverse()) await s.stop();
  await wiki?.close();
  await stack?.stop();
});

describe("POST /chat (extractive answerer, no model configured)", () => {
  it("says where the turn's time went in a Server-Timing header", async () => {
    const { status, headers } = await post("/chat", { query: "What is Goryeo ware?", session: "timing" });
    expect(status).toBe(200);
    const stages = new Map(
      [...(headers.get("server-timing") ?? "").matchAll(/([\w-]+);dur=([\d.]+)/g)].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    );
    // The question is embedded, both halves of retrieval run, the lead of "Goryeo ware" is looked up.
    for (const stage of ["embed", "bm25", "dense", "lead", "rerank", "retrieve", "gather", "record"])
      expect(stages.get(stage), stage).toBeGreaterThanOrEqual(0);
    expect(stages.get("gather")).toBeGreaterThanOrEqual(stages.get("embed") as number);
    // Without a model nothing reads Lumina's reflections (they only feed a model's prompt): no query.
    expect(stages.has("notes")).toBe(false);
  });

  it("answers from a crawled article and cites chunks of it, resolvable with GET /chunks/:id", async () => {
    const { status, body } = await post("/chat", {
      query: "Who made the first Damphu drum, according to Tamang custom?",
      session: "alpha",
    });
    expect(status).toBe(200);
    expect(body.answer).toContain("Peng Dorje");
    expect(body.cite_ids.length).toBeGreaterThan(0);
    expect(body.answer).toMatch(/\[1\]/);
    expect(body.confidence).toBeGreaterThanOrEqual(0.4);
    expect(body.model).toBe("extractive");
    // Without a model the persona says plainly that it quotes (the built-in persona's words).
    expect(body.answer).toMatch(/^No language model is configured, so I quote what I have read: /);
    expect(body.persona).toEqual({ key: "lumina", name: "Lumina", level: "stranger", mood: "neutral" });
    expect(body.sources.map((s: { id: string }) => s.id)).toEqual(body.cite_ids);
    for (const id of body.cite_ids) {
      const chunk = (await (await fetch(`${chat}/chunks/${id}`)).json()) as Record<string, unknown>;
      expect(chunk).toMatchObject({ id, title: "Damphu drum", url: expect.stringContaining("Damphu") });
    }
    // The citation down to the sentence: its offsets select, in the chunk, a sentence of the answer.
    const [first] = body.sources;
    const cited = (await (
      await fetch(`${chat}/chunks/${first?.id}?start=${first?.quote?.start}&end=${first?.quote?.end}`)
    ).json()) as { text: string; revision: number; quote: { text: string }; permalink: string };
    const quote = first?.quote as { text: string; start: number; end: number };
    expect(cited.text.slice(quote.start, quote.end)).toBe(quote.text);
    expect(quote.text).toMatch(/Peng Dorje/);
    for (const s of sentences(quote.text)) expect(body.answer).toContain(s); // sentences the answer quoted
    expect(cited.quote.text).toBe(quote.text);
    expect(first?.permalink).toMatch(
      new RegExp(`/w/index\\.php\\?title=Damphu_drum&oldid=${cited.revision}#:~:text=`),
    );
    expect(cited.permalink).toBe(first?.permalink);
    const bad = await fetch(`${chat}/chunks/${first?.id}?start=5`);
    expect(bad.status).toBe(400);
    // The turn is remembered: Redis history and the day's journal.
    const history = await redis.lrange("chat:history:default::alpha", 0, -1);
    expect(JSON.parse(history[0] as string)).toMatchObject({
      id: body.id,
      user: expect.stringContaining("Damphu"),
    });
    const day = new Date().toISOString().slice(0, 10).split("-");
    const journal = await readFile(join(dataDir, "graphs", "chat", ...day, "turns.ndjson"), "utf8");
    expect(journal).toContain(`"id":"${body.id}"`);
  });

  it("answers as the persona asked for, and refuses an unknown one with 404 persona_not_found", async () => {
    const { status, body } = await post("/chat", { query: "Who are you?", persona: "sakura", session: "p1" });
    expect(status).toBe(200);
    expect(body.persona).toMatchObject({ key: "sakura", name: "Sakura", level: "stranger" });
    expect(body.answer).toMatch(/^I am Sakura, a gentle, curious companion/); // personas/sakura.json's words
    const unknown = await post("/chat", { query: "Who are you?", persona: "nobody" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("persona_not_found");
    expect(unknown.body.error.message).toContain("known: lumina, sakura");
  });

  it("journals the next turn even when the day's directory was removed while it ran", async () => {
    const dayDir = join(dataDir, "graphs", "chat", ...new Date().toISOString().slice(0, 10).split("-"));
    await post("/chat", { query: "Who made the first Damphu drum?", session: "gamma" });
    await rm(dayDir, { recursive: true, force: true }); // a restore, or a person tidying up
    const { status, body } = await post("/chat", { query: "What is a Damphu drum?", session: "gamma" });
    expect(status).toBe(200);
    const journal = await readFile(join(dayDir, "turns.ndjson"), "utf8");
    expect(journal).toContain(`"id":"${body.id}"`);
  });

  it("says it does not know, cites nothing reliable, scores low, and asks for the topic (gap:req, qa:turn)", async () => {
    const { body } = await post("/chat", { query: "What is the capital of Mongolia?", session: "beta" });
    expect(body.confidence).toBeLessThan(0.4);
    expect(body.answer).toMatch(/not read anything|not sure/);
    await waitFor("gap:req for Mongolia", async () => {
      const gaps = (await redis.xrange("gap:req", "-", "+")) as [string, string[]][];
      return gaps.some(([, f]) => f.includes("Mongolia") && f.includes("rag-worker"));
    });
    const turns = (await redis.xrange("qa:turn", "-", "+")) as [string, string[]][];
    expect(turns.some(([, f]) => f.includes(body.id))).toBe(true);
  });

  it("gives the trainer what was answered, not the persona's words about quoting", async () => {
    // Every turn a training sample (TRAIN_MIN_CONF=1, the setting this is about): a confident quote too.
    const rag = await start({ ...baseEnv(), CHAT_PORT: "0", TRAIN_MIN_CONF: "1" });
    running.push(rag);
    const res = await fetch(`${rag.urls.chat}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "Who made the first Damphu drum, according to Tamang custom?" }),
    });
    const body = (await res.json()) as Reply;
    expect(body.answer).toMatch(
      /^No language model is configured, so I quote what I have read: .*Peng Dorje/,
    );
    const sample = await waitFor("the qa:turn", async () => {
      const turns = (await redis.xrange("qa:turn", "-", "+")) as [string, string[]][];
      return turns.map(([, f]) => f).find((f) => f.includes(body.id));
    });
    const answer = sample[sample.indexOf("answer") + 1] as string;
    expect(answer).toMatch(/Peng Dorje/);
    expect(body.answer.endsWith(answer)).toBe(true);
    expect(answer).not.toMatch(/language model|I quote/);
  });

  it("rejects bad requests with a JSON error and the right status", async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, "invalid_request"],
      [{ query: 42 }, 400, "invalid_request"],
      [{ query: "" }, 400, "invalid_request"],
      [{ query: " \n\t " }, 400, "invalid_request"],
      [{ query: "hi", extra: true }, 400, "invalid_request"],
      [{ query: "hi", session: "a b" }, 400, "invalid_request"],
      [{ query: "hi", max_tokens: 100_000 }, 400, "max_tokens_too_large"],
      ["{not json", 400, "invalid_json"],
      [{ query: "x".repeat(70_000) }, 413, "body_too_large"],
    ];
    for (const [body, status, code] of cases) {
      const res = await post("/chat", body);
      expect({ status: res.status, code: res.body.error?.code }, JSON.stringify(body).slice(0, 40)).toEqual({
        status,
        code,
      });
      expect(typeof res.body.error.message).toBe("string");
    }
    const missing = await fetch(`${chat}/chunks/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("chunk_not_found");
    expect((await fetch(`${chat}/nowhere`)).status).toBe(404);
  });

  it("serves its OpenAPI document and the docs UI", async () => {
    const spec = (await (await fetch(`${chat}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/chat", "/chunks/{id}", "/v1/chat/completions", "/v1/models"]),
    );
    expect((await fetch(`${chat}/docs`)).status).toBeLessThan(400);
  });
});

describe("OpenAI-compatible API, through the official openai client", () => {
  it("lists the model and answers without streaming, with sources in the lumina field", async () => {
    const client = new OpenAI({ baseURL: `${chat}/v1`, apiKey: "unused" });
    const models = await client.models.list();
    // The model answering, then each persona as a model name (the built-in one and personas/*.json).
    expect(models.data.map((m) => m.id)).toEqual(["extractive", "lumina:lumina", "lumina:sakura"]);
    const completion = await client.chat.completions.create({
      model: "extractive",
      messages: [{ role: "user", content: "What instrument is the Damphu similar to?" }],
    });
    expect(completion.choices[0]?.message.content).toMatch(/tambourine/);
    const lumina = (completion as unknown as { lumina: { cite_ids: string[]; confidence: number } }).lumina;
    expect(lumina.cite_ids.length).toBeGreaterThan(0);
    expect(lumina.confidence).toBeGreaterThan(0);
    // A persona as the model name.
    const asSakura = await client.chat.completions.create({
      model: "lumina:sakura",
      messages: [{ role: "user", content: "¿Cómo te llamas?" }],
    });
    expect(asSakura.choices[0]?.message.content).toMatch(/^Me llamo Sakura\./);
    expect((asSakura as unknown as { lumina: { persona: { key: string } } }).lumina.persona.key).toBe(
      "sakura",
    );
  });

  it("streams an answer over SSE", async () => {
    const client = new OpenAI({ baseURL: `${chat}/v1`, apiKey: "unused" });
    const stream = await client.chat.completions.create({
      model: "extractive",
      stream: true,
      messages: [{ role: "user", content: "What did Goryeo ware refer to?" }],
    });
    let text = "";
    let finish: string | null | undefined;
    let lumina: { cite_ids: string[] } | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish ??= chunk.choices[0]?.finish_reason;
      lumina ??= (chunk as unknown as { lumina?: { cite_ids: string[] } }).lumina;
    }
    expect(text).toMatch(/Korean pottery/);
    expect(finish).toBe("stop");
    expect(lumina?.cite_ids.length).toBeGreaterThan(0);
  });

  it("needs a model for raw (background) completions and says so", async () => {
    const res = await post("/v1/chat/completions", {
      messages: [{ role: "user", content: "Reflect" }],
      lumina: { mode: "raw", priority: "background" },
    });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("no_model");
  });
});

describe("with the in-process GGUF model (stories260K: proves the plumbing, not answer quality)", () => {
  let url: string;
  let metricsUrl: string;
  beforeAll(async () => {
    const rag = await start({ ...storiesEnv(), MAX_TOKENS: "32" });
    running.push(rag);
    url = rag.urls.chat as string;
    metricsUrl = rag.urls.metrics as string;
  });

  it("generates the answer with the model, scores it with token probabilities, and reports the model", async () => {
    const { status, body } = await post(
      "/chat",
      { query: "Who made the first Damphu drum?", session: "llm" },
      {},
      url,
    );
    expect(status).toBe(200);
    expect(body.model).toBe("stories260K");
    expect(body.answer.length).toBeGreaterThan(0);
    expect(body.confidence).toBeGreaterThanOrEqual(0);
    expect(body.confidence).toBeLessThanOrEqual(1);
    // Whatever a story model writes, every cited id is a real chunk.
    for (const id of body.cite_ids) expect((await fetch(`${url}/chunks/${id}`)).status).toBe(200);
    const ready = (await (await fetch(`${url}/readyz`)).json()) as {
      adapters: { llm: string };
      fallbacks: string[];
    };
    expect(ready.adapters.llm).toBe("node-llama-cpp: stories260K");
    expect(ready.fallbacks.join(" ")).not.toMatch(/no language model/);
  });

  it("recalls an earlier turn of the same session from chat_long into the prompt", async () => {
    const ask = (query: string) => post("/chat", { query, session: "gamma" }, {}, url);
    const hits = async () => {
      const text = await (await fetch(`${metricsUrl}/metrics`)).text();
      return Number(/^chat_memory_hits_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    };
    await ask("What glaze does Goryeo celadon have?");
    await new Promise((r) => setTimeout(r, 800)); // chat_long is written behind, within 0.5 s
    const before = await hits();
    expect(before).toBe(0);
    // Push that turn out of the short-term history (HISTORY_TURNS=6), then ask something close to it.
    for (let i = 0; i < 6; i++) await ask(`Jerry Mumphrey batting ${i}`);
    await ask("Which glaze does Goryeo celadon ware have?");
    expect(await hits()).toBeGreaterThan(before);
  });

  it("with nothing read at all, says so itself, in the stream too", async () => {
    const empty = await mkdtemp(join(tmpdir(), "lumina-rag-empty-"));
    const rag = await start({ ...storiesEnv(), DATA_DIR: empty });
    onTestFinished(async () => {
      await rag.stop();
      await rm(empty, { recursive: true, force: true });
    });
    const client = new OpenAI({ baseURL: `${rag.urls.chat}/v1`, apiKey: "unused" });
    const stream = await client.chat.completions.create({
      model: "stories260K",
      stream: true,
      messages: [{ role: "user", content: "Who founded Rome?" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toMatch(/^I have not read anything that answers this yet \(about Rome\)/);
  });

  it("streams raw background completions to the official client (scratch-vm's path)", async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused" });
    // Lumina's documented extension field rides along; the client passes unknown fields through.
    const params = {
      model: "stories260K",
      stream: true as const,
      max_tokens: 24,
      messages: [{ role: "user" as const, content: "Once upon a time" }],
      lumina: { mode: "raw", priority: "background" },
    };
    const stream = await client.chat.completions.create(params);
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? "");
    expect(pieces.filter(Boolean).length).toBeGreaterThan(3);
    expect(pieces.join("")).toMatch(/[a-z]{3,}/);
  });
});

describe("/v1/embeddings: Lumina's embedder for other programs", () => {
  it("serves the official client (base64 by default) and OpenAiEmbedder, with the indexer's vectors", async () => {
    const client = new OpenAI({ baseURL: `${chat}/v1`, apiKey: "unused" });
    const res = await client.embeddings.create({ model: "any", input: ["Goryeo ware", "Damphu drum"] });
    expect(res.data.map((d) => d.embedding.length)).toEqual([512, 512]);
    const remote = await OpenAiEmbedder.connect({ baseUrl: `${chat}/v1`, model: "any" });
    expect(remote.dimension).toBe(512);
    const local = await UseLiteEmbedder.load();
    const [a] = await remote.embed(["Korean celadon pottery"]);
    const [b] = await local.embed(["Korean celadon pottery"]);
    const cosine = (a as number[]).reduce((sum, x, i) => sum + x * ((b as number[])[i] as number), 0);
    expect(cosine).toBeGreaterThan(0.999);
    expect((res.data[0]?.embedding as number[])[0]).toBeCloseTo(
      (await local.embed(["Goryeo ware"]))[0]?.[0] as number,
      5,
    );
    const [empty] = await remote.embed([""]);
    expect(empty?.every((x) => x === 0)).toBe(true);
  });
});

describe("a full model queue", () => {
  it("answers 503 llm_busy with Retry-After instead of queueing without bound", async () => {
    const rag = await start({ ...storiesEnv(), LLM_SEQUENCES: "1", LLM_QUEUE_MAX: "1" });
    running.push(rag);
    const raw = () =>
      fetch(`${rag.urls.chat}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          messages: [{ role: "user", content: "Once upon a time" }],
          max_tokens: 200,
          lumina: { mode: "raw" },
        }),
      });
    // One generating, one waiting, the rest refused.
    const responses = await Promise.all(Array.from({ length: 5 }, raw));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    const busy = responses.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(Number(busy[0]?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await busy[0]?.json()) as Reply).error.code).toBe("llm_busy");
  });
});

describe("OpenAiCompatibleLlm (libs/llm) against a real OpenAI-compatible server: this one", () => {
  it("streams text, in order, and resolves with all of it", async () => {
    const llm = new OpenAiCompatibleLlm({
      baseUrl: `${chat}/v1`,
      model: "extractive",
      contextSize: 2048,
      concurrency: 1,
      maxQueue: 2,
      timeoutMs: 10_000,
    });
    const pieces: string[] = [];
    const out = await llm.generate({
      messages: [{ role: "user", content: "What instrument is the Damphu similar to?" }],
      maxTokens: 64,
      priority: "chat",
      onText: (d) => pieces.push(d),
    });
    expect(out.text).toMatch(/tambourine/);
    expect(pieces.join("")).toBe(out.text);
    expect(out.finishReason).toBe("stop");
    expect(out.meanLogprob).toBeUndefined(); // the extractive answerer has no token probabilities
  });
});

describe("API key, rate limit and CORS", () => {
  let url: string;
  beforeAll(async () => {
    const rag = await start({
      ...baseEnv(),
      CHAT_PORT: "0",
      LUMINA_API_KEY: "s3cret-key",
      RATE_LIMIT_PER_MIN: "4",
      RATE_LIMIT_LOOPBACK: "true", // this test's client is on loopback, exempt by default
      LOG_LEVEL: "silent",
    });
    running.push(rag);
    url = rag.urls.chat as string;
  });

  it("refuses a missing or wrong key, accepts the right one, keeps health and docs open", async () => {
    const q = { query: "What is Goryeo ware?" };
    expect((await post("/chat", q, {}, url)).status).toBe(401);
    const wrong = await post("/chat", q, { authorization: "Bearer s3cret-kez" }, url);
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
    expect((await post("/chat", q, { authorization: "Bearer s3cret-key" }, url)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/docs/json`)).status).toBe(200);
  });

  it("answers 429 with Retry-After past RATE_LIMIT_PER_MIN", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${url}/v1/models`, { headers: { authorization: "Bearer s3cret-key" } });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get("retry-after");
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      }
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it("allows the live graph page's origin and no other", async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/chat`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    expect((await preflight("http://127.0.0.1:7210")).headers.get("access-control-allow-origin")).toBe(
      "http://127.0.0.1:7210",
    );
    expect((await preflight("http://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });
});
