import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Lumina } from "@lumina/cli";
import { waitFor } from "@lumina/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LuminaUnderTest, startLuminaUnderTest } from "./lumina-under-test.ts";

// The closed loop, with no human step, through the one-process runner (what `npm start` runs): a
// question about a page the wiki has but Lumina has not read is answered with low confidence and
// becomes gap:req → the planner asks the crawler → the indexer indexes it → the same question now
// cites that page.
let lut: LuminaUnderTest;
let lumina: Lumina;
let redis: Redis;
let chat: string;

interface Answer {
  answer: string;
  cite_ids: string[];
  sources: { title: string }[];
  confidence: number;
}
const ask = async (query: string): Promise<Answer> => {
  const res = await fetch(`${chat}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, session: "loop" }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
};

beforeAll(async () => {
  lut = await startLuminaUnderTest();
  lumina = lut.lumina;
  redis = new Redis(lumina.localRedis?.url as string);
  chat = lut.url("rag-worker", "chat");
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await lut?.stop();
});

describe("the closed loop: an unanswered question makes Lumina read", () => {
  it("low confidence → gap:req → planner → crawler → indexer → the same question cites the new page", async () => {
    await redis.xadd("crawl:req", "*", "url", "Damphu drum"); // something else to know about
    await waitFor("Damphu drum read", async () => (await redis.sismember("kg:nodes", "Damphu drum")) === 1, {
      timeoutMs: 30_000,
    });

    const question = "Which baseball teams did Jerry Mumphrey play for?";
    const before = await ask(question);
    expect(before.confidence).toBeLessThan(0.4);
    expect(before.sources.map((s) => s.title)).not.toContain("Jerry Mumphrey");

    // No one seeds anything: the gap, the planner's crawl:req and the crawl happen on their own.
    await waitFor(
      "Jerry Mumphrey read",
      async () => (await redis.sismember("kg:nodes", "Jerry Mumphrey")) === 1,
      {
        timeoutMs: 60_000,
      },
    );
    await waitFor(
      "indexed to the end",
      async () => ((await redis.xpending("graph:add", "indexer")) as [number])[0] === 0,
    );
    const gaps = (await redis.xrange("gap:req", "-", "+")) as [string, string[]][];
    expect(gaps.some(([, f]) => f.includes("Jerry Mumphrey") && f.includes("rag-worker"))).toBe(true);
    const crawls = (await redis.xrange("crawl:req", "-", "+")) as [string, string[]][];
    expect(crawls.some(([, f]) => f.includes("Jerry Mumphrey") && f.includes("planner"))).toBe(true);

    await new Promise((r) => setTimeout(r, 1500)); // the rag-worker sees new chunks within 1 s (docs/answering.md)
    const after = await ask(question);
    expect(after.cite_ids.length).toBeGreaterThan(0);
    expect(after.sources.map((s) => s.title)).toContain("Jerry Mumphrey");
    expect(after.confidence).toBeGreaterThan(before.confidence);
    expect(after.confidence).toBeGreaterThanOrEqual(0.4);

    // The same through the CLI a person would use.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [fileURLToPath(new URL("../../cli/bin/lumina.js", import.meta.url)), "ask", question],
      { env: { ...process.env, CHAT_URL: chat } },
    );
    expect(stdout).toMatch(/confidence \d\.\d\d · extractive/);
    expect(stdout).toMatch(/^\[1\] Jerry Mumphrey — /m);
  }, 120_000);
});
