import { CrawlRequest, GapRequest } from "@lumina/events";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FanoutEntry, FanoutReader, StreamPublisher } from "../src/index.ts";
import { connect, silent } from "./fixtures.ts";

let server: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = connect(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe("FanoutReader", () => {
  it("gives every reader every entry published after start, across streams", async () => {
    const publisher = new StreamPublisher({ redis });
    await publisher.publish(CrawlRequest, { url: "Before_start" });
    const got: FanoutEntry[][] = [[], []];
    const readers = got.map(
      (bucket) =>
        new FanoutReader({
          redis,
          streams: ["crawl:req", "gap:req"],
          logger: silent,
          blockMs: 100,
          onEntries: (entries) => bucket.push(...entries),
        }),
    );
    await Promise.all(readers.map((r) => r.start()));
    try {
      await publisher.publish(CrawlRequest, { url: "A" });
      await publisher.publish(GapRequest, { topic: "B", reason: "dangling" });
      await publisher.publish(CrawlRequest, { url: "C" });
      await waitFor("both readers to see 3 entries", () => got.every((b) => b.length === 3));
      for (const bucket of got) {
        expect(bucket.map((e) => `${e.stream}:${e.fields.url ?? e.fields.topic}`).sort()).toEqual([
          "crawl:req:A",
          "crawl:req:C",
          "gap:req:B",
        ]);
      }
    } finally {
      await Promise.all(readers.map((r) => r.stop()));
    }
  });
});

describe("StreamPublisher", () => {
  it("trims a stream to about MAXLEN", async () => {
    const publisher = new StreamPublisher({ redis, maxLen: 100 });
    for (let i = 0; i < 10; i++) {
      await publisher.publishMany(
        CrawlRequest,
        Array.from({ length: 100 }, (_, j) => ({ url: `T_${i}_${j}` })),
      );
    }
    const len = await redis.xlen("crawl:req");
    expect(len).toBeGreaterThanOrEqual(100);
    expect(len).toBeLessThan(400);
  });

  it("refuses an invalid event before anything is sent", async () => {
    const publisher = new StreamPublisher({ redis });
    const before = await redis.xlen("gap:req");
    await expect(
      publisher.publishMany(GapRequest, [
        { topic: "Fine", reason: "dangling" },
        { topic: "Bad", reason: "whim" as "manual" },
      ]),
    ).rejects.toThrow(/refusing to publish an invalid gap:req event/);
    expect(await redis.xlen("gap:req")).toBe(before);
  });
});
