import { join } from "node:path";
import { StreamPublisher } from "@lumina/bus";
import { GraphAdd, ThinkNote } from "@lumina/events";
import type { RunningService } from "@lumina/runtime";
import { start as startScratchVm } from "@lumina/scratch-vm";
import { scrapeMetric, startStack, type TestStack, waitFor } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { start } from "../src/main.ts";

let stack: TestStack;
let redis: Redis;
let dataDir: string;
const running: RunningService[] = [];

const env = (own: Record<string, string> = {}) =>
  stack.env({ EMBEDDER: "hashing", RECLAIM_IDLE_MS: "300", COMPRESS_SWEEP_MS: "50", ...own });
const article = (title: string, pageId: number) => ({
  title,
  page_id: pageId,
  revision: 7,
  url: `https://en.wikipedia.org/wiki/${title}`,
  summary: `${title} is a town in Cornwall. It lies on the River Camel. It has a priory.`,
  fingerprint: "f".repeat(16),
  links: ["Cornwall", "Camel Trail"],
  categories: ["Towns in Cornwall"],
  sections: [{ heading: "History", level: 2, text: `${title} is old.` }],
  infobox: { County: "Cornwall" },
  fetched_at: new Date().toISOString(),
});
async function memory(padId: string) {
  const store = await LanceDbStore.open(join(dataDir, "vectors"));
  try {
    const [hit] = await store.get("scratch_mem", [`mem-${padId}`]);
    return hit && { text: hit.text, notes: JSON.parse(String(hit.payload.notes)) as Record<string, string> };
  } finally {
    await store.close();
  }
}
const drained = async (stream: string, group: string) =>
  ((await redis.xpending(stream, group)) as [number])[0] === 0 &&
  Number(((await redis.xinfo("GROUPS", stream)) as unknown[][])[0]?.[11] ?? 1) === 0;

beforeAll(async () => {
  stack = await startStack("lumina-pads-");
  ({ redis, dataDir } = stack);
});
afterEach(async () => {
  for (const s of running.splice(0).reverse()) await s.stop();
  await stack.reset();
});
afterAll(() => stack?.stop());

describe("scratch-vm → think:note → compressor → scratch_mem (real Redis, LanceDB)", () => {
  it("writes THINK_ROUNDS notes per article, folds the pad and counts it once", async () => {
    await redis.sadd("kg:nodes", "Cornwall");
    await redis.hset("kg:node:Cornwall", { title: "Cornwall", summary: "Cornwall is a county. It is west." });
    const vm = await startScratchVm(env());
    const compressor = await start(env());
    running.push(vm, compressor);
    await new StreamPublisher({ redis }).publish(GraphAdd, article("Bodmin", 11));

    await waitFor("pad folded", async () => (await redis.sismember("pads:compressed", "11-7")) === 1);
    const mem = await memory("11-7");
    expect(Object.keys(mem?.notes ?? {})).toEqual(["1", "2", "3"]);
    expect(mem?.text).toContain("Reflections on Bodmin:");
    expect(mem?.notes["2"]).toContain("Bodmin links with Cornwall: Cornwall is a county.");
    expect(mem?.notes["3"]).toContain("Unread linked topics: Camel Trail.");
    expect(await redis.exists("pad:11-7")).toBe(0);
    expect(await redis.zscore("pads:deadlines", "11-7")).toBeNull();
    expect(await redis.xlen("think:note")).toBe(3);
    expect(await redis.xlen("pad:compressed")).toBeGreaterThanOrEqual(1);
    expect(
      await scrapeMetric(vm.urls.metrics as string, "scratch_notes_total", { writer: "extractive" }),
    ).toBe(3);
    expect(await scrapeMetric(vm.urls.metrics as string, "pads_created_total")).toBe(1);
    expect(await scrapeMetric(compressor.urls.metrics as string, "pads_compressed_total")).toBe(1);

    // The same article again (a redelivery): no second pad, no new notes.
    await new StreamPublisher({ redis }).publish(GraphAdd, article("Bodmin", 11));
    await waitFor("graph:add handled", () => drained("graph:add", "scratch-vm"));
    expect(await redis.xlen("think:note")).toBe(3);
    expect(await scrapeMetric(vm.urls.metrics as string, "pads_created_total")).toBe(1);
  });

  it("waits while people are chatting (chat:active), then writes its notes", async () => {
    const vm = await startScratchVm(env({ THINK_YIELD_MS: "5000" }));
    running.push(vm);
    await redis.set("chat:active", "1", "PX", 1_500); // as the rag-worker sets it on every chat request
    const published = Date.now();
    await new StreamPublisher({ redis }).publish(GraphAdd, article("Fowey", 13));
    await waitFor("three notes", async () => (await redis.xlen("think:note")) === 3, { timeoutMs: 10_000 });
    const [[firstId]] = (await redis.xrange("think:note", "-", "+", "COUNT", 1)) as [[string, string[]]];
    expect(Number(firstId.split("-")[0]) - published).toBeGreaterThanOrEqual(1_300);
    await new Promise((r) => setTimeout(r, 500)); // RECLAIM_IDLE_MS is 300 here: no second handling
    expect(await redis.xlen("think:note")).toBe(3);
  });

  it("folds a pad before its TTL runs out, then merges a note that arrives late", async () => {
    const compressor = await start(env({ PAD_SAFETY_S: "1" }));
    running.push(compressor);
    // A pad as scratch-vm opens it, with a 2 s TTL and one note of three written so far.
    const deadline = Date.now() + 2_000;
    await redis.hset("pad:5-1", {
      title: "Lostwithiel",
      rounds: 3,
      created: Date.now(),
      deadline,
      "note:1": "first",
    });
    await redis.expire("pad:5-1", 2);
    await redis.zadd("pads:deadlines", deadline, "5-1");

    await waitFor(
      "folded before expiry",
      async () => (await redis.sismember("pads:compressed", "5-1")) === 1,
      {
        timeoutMs: 1_900,
      },
    );
    expect((await memory("5-1"))?.notes).toEqual({ 1: "first" });
    const pub = new StreamPublisher({ redis });
    const late = { pad_id: "5-1", title: "Lostwithiel", rounds: 3, ts: new Date().toISOString() };
    await pub.publish(ThinkNote, { ...late, round: 2, note: "second" });
    await pub.publish(ThinkNote, { ...late, round: 3, note: "third" });
    await waitFor(
      "late notes merged",
      async () => Object.keys((await memory("5-1"))?.notes ?? {}).length === 3,
    );
    expect((await memory("5-1"))?.notes).toEqual({ 1: "first", 2: "second", 3: "third" });
    expect(await redis.exists("pad:5-1")).toBe(0); // never re-created without a TTL
    expect(await scrapeMetric(compressor.urls.metrics as string, "pads_compressed_total")).toBe(1);
  });

  it("loses no note when the compressor was down past the TTL: the events carry them", async () => {
    const vm = await startScratchVm(env({ PAD_TTL: "1" }));
    running.push(vm);
    await new StreamPublisher({ redis }).publish(GraphAdd, article("Padstow", 12));
    await waitFor("three notes published", async () => (await redis.xlen("think:note")) === 3);
    await waitFor("pad expired", async () => (await redis.exists("pad:12-7")) === 0, { timeoutMs: 3_000 });

    const compressor = await start(env());
    running.push(compressor);
    await waitFor(
      "notes folded from events",
      async () => Object.keys((await memory("12-7"))?.notes ?? {}).length === 3,
    );
    await waitFor("think:note drained", () => drained("think:note", "compressor"));
    expect(await redis.zcard("pads:deadlines")).toBe(0);
    expect(await scrapeMetric(compressor.urls.metrics as string, "pads_compressed_total")).toBe(1);
  });
});
