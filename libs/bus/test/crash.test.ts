import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CrawlRequest } from "@lumina/events";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StreamConsumer, StreamPublisher } from "../src/index.ts";
import { connect, crawlConsumer, dlqEntries, pendingCount, type Seen } from "./fixtures.ts";

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

describe("crash recovery", () => {
  it("loses nothing when a consumer process is killed after reading but before acking", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("crash-child.ts", import.meta.url))],
      {
        env: { ...process.env, REDIS_URL: server.url },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    await waitFor("the child consumer to start", () => out.includes("READY"), { timeoutMs: 15_000 });
    await new StreamPublisher({ redis }).publish(CrawlRequest, { url: "Survivor" });
    await waitFor("the child to be handling the entry", () => out.includes("HANDLING Survivor"));
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    expect(await pendingCount(redis, "crawl:req", "g")).toBe(1); // read, never acked

    const seen: Seen[] = [];
    const rescuer: StreamConsumer<typeof CrawlRequest> = crawlConsumer(
      redis,
      { group: "g", consumer: "rescuer" },
      seen,
    );
    await rescuer.start();
    try {
      await waitFor("the rescuer to reclaim the entry", () => seen.length === 1);
      expect(seen[0]?.event.url).toBe("Survivor");
      expect(seen[0]?.ctx.deliveries).toBe(2);
      await waitFor("the ack", async () => (await pendingCount(redis, "crawl:req", "g")) === 0);
    } finally {
      await rescuer.stop();
    }
  });

  it("dead-letters, without running it, an entry that outlived MAX_DELIVERIES unacknowledged", async () => {
    // A poison entry that killed its consumer every time: simulate 3 deliveries that never acked.
    await redis.xgroup("CREATE", "crawl:req", "p", "$", "MKSTREAM");
    const id = (await redis.xadd("crawl:req", "*", "url", "Poison")) as string;
    await redis.xreadgroup("GROUP", "p", "dead-1", "COUNT", 1, "STREAMS", "crawl:req", ">");
    await redis.xclaim("crawl:req", "p", "dead-2", 0, id, "RETRYCOUNT", 3);
    const seen: Seen[] = [];
    const consumer = crawlConsumer(redis, { group: "p", consumer: "c", maxDeliveries: 3 }, seen);
    await consumer.start();
    try {
      const [dead] = await waitFor("the poison entry in the DLQ", async () => {
        const d = await dlqEntries(redis, "crawl:req");
        return d.length > 0 ? d : null;
      });
      expect(dead).toMatchObject({ url: "Poison", dlq_source_id: id, dlq_deliveries: "4" });
      expect(dead?.dlq_reason).toMatch(/not acknowledged after 3 deliveries/);
      expect(seen).toEqual([]);
      expect(await pendingCount(redis, "crawl:req", "p")).toBe(0);
    } finally {
      await consumer.stop();
    }
  });

  it("keeps consuming after Redis restarts (AOF) and loses no acknowledged work", async () => {
    const aof = await startRedisServer({ appendonly: true });
    const r = connect(aof.url);
    const seen: Seen[] = [];
    const consumer = crawlConsumer(r, { group: "g", consumer: "c" }, seen);
    await consumer.start();
    try {
      const pub = new StreamPublisher({ redis: r });
      await pub.publish(CrawlRequest, { url: "Before_restart" });
      await waitFor("the first event", () => seen.length === 1);
      await aof.restart();
      await pub.publish(CrawlRequest, { url: "After_restart" });
      await waitFor("the second event", () => seen.length === 2, { timeoutMs: 15_000 });
      expect(seen.map((s) => s.event.url)).toEqual(["Before_restart", "After_restart"]);
    } finally {
      await consumer.stop();
      r.disconnect();
      await aof.stop();
    }
  });
});
