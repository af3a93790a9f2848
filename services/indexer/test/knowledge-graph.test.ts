import { vectorFromBytes } from "@lumina/embeddings";
import { INTERESTS, KG } from "@lumina/events";
import { type RedisServerHandle, startRedisServer } from "@lumina/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { beginRevision, firstAsks, recordSeedInterest } from "../src/knowledge-graph.ts";

let server: RedisServerHandle;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterEach(async () => {
  await redis.flushall();
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe("knowledge graph writes against a real redis-server", () => {
  it("beginRevision returns what was indexed and begun before and marks the new revision begun", async () => {
    expect(await beginRevision(redis, 7, 100)).toEqual({ done: null, begun: null });
    await redis.hset(KG.indexed, "7", "100");
    expect(await beginRevision(redis, 7, 101)).toEqual({ done: "100", begun: "100" });
    expect(await redis.hget(KG.indexing, "7")).toBe("101");
  });

  it("firstAsks keeps only topics never asked for, and marks them", async () => {
    expect([...(await firstAsks(redis, ["A", "B"]))].sort()).toEqual(["A", "B"]);
    expect([...(await firstAsks(redis, ["B", "C", "C"]))]).toEqual(["C"]);
    expect(await firstAsks(redis, [])).toEqual(new Set());
    expect((await redis.smembers(KG.gapsSent)).sort()).toEqual(["A", "B", "C"]);
  });

  it("recordSeedInterest keeps the newest 100 interests, dropping the oldest", async () => {
    // 100 older entries written as an earlier indexer did (one unparsable: it counts as the oldest).
    const old = Array.from({ length: 99 }, (_, i) => [
      `Old ${i}`,
      JSON.stringify({ text: "t", at: 1_000 + i }),
    ]);
    await redis.hset(INTERESTS.seeds, ...old.flat(), "Broken", "not json");
    await recordSeedInterest(redis, "New one", "A summary.");
    expect(await redis.hlen(INTERESTS.seeds)).toBe(100);
    expect(await redis.hexists(INTERESTS.seeds, "Broken")).toBe(0);
    await recordSeedInterest(redis, "Newer one", "Another.");
    expect(await redis.hlen(INTERESTS.seeds)).toBe(100);
    expect(await redis.hexists(INTERESTS.seeds, "Old 0")).toBe(0);
    expect(await redis.hexists(INTERESTS.seeds, "Old 1")).toBe(1);
    const newest = JSON.parse((await redis.hget(INTERESTS.seeds, "Newer one")) as string);
    expect(newest.text).toBe("Newer one. Another.");
    // A redelivery rewrites the same entry: nothing else is dropped.
    await recordSeedInterest(redis, "Newer one", "Another.");
    expect(await redis.hexists(INTERESTS.seeds, "Old 1")).toBe(1);
  });

  it("recordSeedInterest keeps the lead chunk's vector beside the entry, and drops it with the entry", async () => {
    const lead = { vector: [0.6, -0.8, 0.25], model: "test-model" };
    await recordSeedInterest(redis, "Seeded", "Its summary.", lead);
    expect(JSON.parse((await redis.hget(INTERESTS.seeds, "Seeded")) as string)).toMatchObject({
      text: "Seeded. Its summary.",
      model: "test-model",
    });
    const stored = vectorFromBytes(await redis.hgetBuffer(INTERESTS.seedVectors, "Seeded"), 3);
    expect([...(stored ?? [])]).toEqual([0.6, -0.8, 0.25].map(Math.fround));
    // Recorded without a vector (a redelivery whose chunks were indexed already): entry and vector
    // agree, no model and no vector, and the planner embeds the text.
    await recordSeedInterest(redis, "Unvectored", "Its summary.", lead);
    await recordSeedInterest(redis, "Unvectored", "Its summary.");
    expect(await redis.hexists(INTERESTS.seedVectors, "Unvectored")).toBe(0);
    expect(JSON.parse((await redis.hget(INTERESTS.seeds, "Unvectored")) as string).model).toBeUndefined();
    // Pushed out by 100 newer seeds: the vector goes with the entry.
    for (let i = 0; i < 100; i++) await recordSeedInterest(redis, `Later ${i}`, "x");
    expect(await redis.hexists(INTERESTS.seeds, "Seeded")).toBe(0);
    expect(await redis.hexists(INTERESTS.seedVectors, "Seeded")).toBe(0);
  });
});
