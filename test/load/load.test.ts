import { type RedisServerHandle, fixture, startRedisServer } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatLoad, readCorpus } from "../../bench/load/chat.ts";
import { webSocketLoad } from "../../bench/load/websocket.ts";

// Issue #7, load: shorter runs of `npm run bench:load` (figures in docs/reliability.md) that must
// pass. Concurrent chat clients get answers, or 429 / 503 with Retry-After, and nothing else; every
// WebSocket client gets every frame while one client has stopped reading.
let redisServer: RedisServerHandle;
let corpus: Awaited<ReturnType<typeof readCorpus>>;
const say = () => {};

beforeAll(async () => {
  redisServer = await startRedisServer();
  corpus = await readCorpus(redisServer, say, { EMBEDDER: "hashing" });
}, 240_000);
afterAll(async () => {
  await corpus?.close();
  await redisServer?.stop();
});

const load = (env: Record<string, string>, clients = 20, seconds = 6) =>
  chatLoad({
    mode: "test",
    env: { ...corpus.env, ...env },
    articles: corpus.articles,
    clients,
    seconds,
    say,
  });

describe("load: concurrent chat clients", () => {
  it("answers every request of a client on the machine itself, with the defaults", async () => {
    const r = await load({});
    expect(r.statuses).toEqual({ 200: r.requests });
    expect(r.requests).toBeGreaterThan(20);
  }, 120_000);

  it("answers 429 with Retry-After past the rate limit, and nothing else but 200", async () => {
    const r = await load({ RATE_LIMIT_PER_MIN: "30", RATE_LIMIT_LOOPBACK: "true" });
    expect(Object.keys(r.statuses).sort()).toEqual(["200", "429"]);
    expect(r.missing_retry_after).toBe(0);
  }, 120_000);

  it("answers 503 with Retry-After when the model's queue is full, and nothing else but 200", async () => {
    const r = await load({
      LLM_MODEL_PATH: fixture("models/stories260K.gguf"),
      LLM_PROMPT_FORMAT: "plain",
      MAX_TOKENS: "16",
      LLM_QUEUE_MAX: "2",
    });
    expect(Object.keys(r.statuses).sort(), r.unexpected.join("\n")).toEqual(["200", "503"]);
    expect(r.missing_retry_after).toBe(0);
  }, 180_000);
});

describe("load: WebSocket clients with one that stopped reading", () => {
  it("delivers every frame to every reading client", async () => {
    const r = await webSocketLoad({
      redisServer,
      clients: 200,
      seconds: 5,
      rate: 10,
      links: 5,
      categories: 10,
      maxBufferBytes: 262_144,
      slowClientMs: 5_000,
      say,
    });
    expect(r.delivered).toBe(r.expected);
    expect(r.clients_missing_frames).toBe(0);
    expect(r.expected).toBe(200 * 50);
  }, 120_000);
});
