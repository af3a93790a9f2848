import { KG } from "@lumina/events";
import { type RedisServerHandle, startRedisServer } from "@lumina/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkStats, summariesOf } from "../src/index.ts";

let server: RedisServerHandle;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  await redis
    .multi()
    .sadd(KG.nodes, "Bodmin", "Cornwall")
    .zadd(KG.pagerank, 0.4, "Cornwall", 0.1, "Bodmin")
    .sadd(KG.in("Cornwall"), "Bodmin", "Truro")
    .sadd(KG.in("Bodmin Moor"), "Bodmin")
    .hset(KG.node("Cornwall"), "summary", "Cornwall is a county in England.")
    .exec();
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe("knowledge-graph reads", () => {
  it("says for each title whether it was read, its PageRank and its in-degree, in one call", async () => {
    expect(await linkStats(redis, ["Cornwall", "Bodmin Moor", "Bodmin"])).toEqual([
      { title: "Cornwall", known: true, pagerank: 0.4, inDegree: 2 },
      { title: "Bodmin Moor", known: false, pagerank: 0, inDegree: 1 },
      { title: "Bodmin", known: true, pagerank: 0.1, inDegree: 0 },
    ]);
    expect(await linkStats(redis, [])).toEqual([]);
  });

  it("reads the summaries of nodes, empty for a title without one", async () => {
    expect(await summariesOf(redis, ["Cornwall", "Nowhere"])).toEqual([
      "Cornwall is a county in England.",
      "",
    ]);
  });
});
