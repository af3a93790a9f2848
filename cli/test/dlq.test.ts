import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { start as startPlanner } from "@lumina/planner";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.ts";

// Dead letters made by a real consumer (the planner refuses a gap:req with an unknown reason), listed
// and replayed with the lumina command.
let server: RedisServerHandle;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe("lumina dlq", () => {
  it("lists dead letters with their reason and replays them onto their stream", async () => {
    const planner = await startPlanner({ REDIS_URL: server.url, METRICS_PORT: "0", LOG_LEVEL: "silent" });
    try {
      await redis.xadd("gap:req", "*", "topic", "Dartmoor", "reason", "curiosity");
      await redis.xadd("gap:req", "*", "topic", "Exmoor", "reason", "curiosity");
      await waitFor("dead-lettered", async () => (await redis.xlen("gap:req:dlq")) === 2);
    } finally {
      await planner.stop();
    }
    const env = { REDIS_URL: server.url };
    const listed = await runCli(["dlq", "list", "--json"], env);
    expect(listed.code).toBe(0);
    const { entries } = JSON.parse(listed.out) as {
      entries: {
        stream: string;
        id: string;
        reason: string;
        group: string;
        fields: Record<string, string>;
      }[];
    };
    expect(entries.map((e) => [e.stream, e.group, e.fields])).toEqual([
      ["gap:req", "planner", { topic: "Dartmoor", reason: "curiosity" }],
      ["gap:req", "planner", { topic: "Exmoor", reason: "curiosity" }],
    ]);
    expect(entries[0]?.reason).toMatch(/^invalid gap:req entry: reason: /);
    expect((await runCli(["dlq", "list"], env)).out).toMatch(
      /^gap:req \S+ \[planner\] tried once: invalid gap:req entry/m,
    );

    const one = await runCli(["dlq", "replay", "gap:req", "--id", entries[0]?.id as string], env);
    expect(one.out).toBe("replayed 1 entries from gap:req:dlq to gap:req\n");
    expect(await redis.xlen("gap:req:dlq")).toBe(1);
    const [, last] = (await redis.xrevrange("gap:req", "+", "-", "COUNT", 1))[0] as [string, string[]];
    expect(last).toEqual(["topic", "Dartmoor", "reason", "curiosity"]);
    expect((await runCli(["dlq", "replay", "gap:req", "--all"], env)).code).toBe(0);
    expect(await redis.xlen("gap:req:dlq")).toBe(0);
    expect((await runCli(["dlq", "list"], env)).out).toBe("no dead letters\n");
    expect((await runCli(["dlq", "replay", "nope:stream", "--all"], env)).code).toBe(64);
  }, 30_000);
});
