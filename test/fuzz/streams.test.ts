import { start as startCompressor } from "@lumina/compressor";
import { start as startCrawler } from "@lumina/crawler";
import {
  CrawlRequest,
  decodeEvent,
  type Fields,
  GapRequest,
  GraphAdd,
  QaTurn,
  ThinkNote,
} from "@lumina/events";
import { start as startIndexer } from "@lumina/indexer";
import { start as startPlanner } from "@lumina/planner";
import type { RunningService } from "@lumina/runtime";
import { start as startScratchVm } from "@lumina/scratch-vm";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import { start as startTrainer } from "@lumina/trainer";
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Malformed entries XADDed to every stream consumed by a group, with the real services
// consuming them: each lands in <stream>:dlq with a reason, nothing stays pending, and the consumers
// go on working.
let stack: TestStack;
let redis: Redis;
const running: RunningService[] = [];

beforeAll(async () => {
  stack = await startStack("lumina-fuzz-streams-");
  redis = stack.redis;
  const env = stack.env({
    EMBEDDER: "hashing",
    WIKI_API_URL: "http://127.0.0.1:9/w/api.php", // never reached: no valid crawl request is sent
  });
  running.push(
    await startCrawler(env),
    await startIndexer(env),
    await startPlanner(env),
    await startScratchVm(env),
    await startCompressor(env),
    await startTrainer(env),
  );
});
afterAll(async () => {
  for (const s of running.splice(0).reverse()) await s.stop();
  await stack?.stop();
});

const entry: fc.Arbitrary<Fields> = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      ...["url", "prio", "topic", "reason", "score", "title", "page_id", "links", "v"],
      ...["pad_id", "round", "rounds", "note", "turn_id", "confidence", "cite_ids", "ts"],
    ),
    fc.string({ maxLength: 8 }),
  ),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom("", "NaN", "[]", "{}", "-5", "999999999999999999", "2"),
  ),
  { minKeys: 1, maxKeys: 8 },
);

describe("malformed entries on every stream consumed by a group", () => {
  it("are all dead-lettered with a reason, none left pending, and consumption goes on", async () => {
    // graph:add has two groups: each dead-letters its own copy of a bad entry.
    const groups: Record<string, string[]> = {
      [CrawlRequest.name]: ["crawler"],
      [GraphAdd.name]: ["indexer", "scratch-vm"],
      [GapRequest.name]: ["planner"],
      [ThinkNote.name]: ["compressor"],
      [QaTurn.name]: ["trainer"],
    };
    const sent: Record<string, number> = {};
    for (const contract of [CrawlRequest, GraphAdd, GapRequest, ThinkNote, QaTurn]) {
      const bad = fc.sample(entry, 1500).filter((f) => !decodeEvent(contract, f).ok);
      const pipeline = redis.pipeline();
      for (const f of bad) pipeline.xadd(contract.name, "*", ...Object.entries(f).flat());
      await pipeline.exec();
      sent[contract.name] = bad.length;
    }
    for (const [stream, names] of Object.entries(groups)) {
      const expected = (sent[stream] as number) * names.length;
      await waitFor(`${stream} drained`, async () => (await redis.xlen(`${stream}:dlq`)) === expected, {
        timeoutMs: 60_000,
      });
      for (const group of names) expect(((await redis.xpending(stream, group)) as [number])[0]).toBe(0);
      const dead = (await redis.xrange(`${stream}:dlq`, "-", "+", "COUNT", 50)) as [string, string[]][];
      for (const [, f] of dead) expect(f[f.indexOf("dlq_reason") + 1]).toMatch(/\w/);
    }
    expect(Object.values(sent).reduce((a, b) => a + b, 0)).toBeGreaterThan(5000);

    // Still consuming: a valid gap:req after all that is handled by the planner.
    await redis.xadd(GapRequest.name, "*", "topic", "Dartmoor", "reason", "dangling", "score", "2");
    await waitFor("valid gap handled", async () => (await redis.zscore("gaps:topics", "Dartmoor")) === "2");
  }, 120_000);
});
