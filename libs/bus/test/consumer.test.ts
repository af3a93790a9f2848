import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CrawlRequest } from "@lumina/events";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NonRetryableError, type StreamConsumer, StreamPublisher } from "../src/index.ts";
import { connect, crawlConsumer, dlqEntries, pendingCount, type Seen } from "./fixtures.ts";

let server: RedisServerHandle;
let redis: Redis;
let publisher: StreamPublisher;
const running: StreamConsumer<typeof CrawlRequest>[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  redis = connect(server.url);
  publisher = new StreamPublisher({ redis });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  await redis.flushall();
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

async function start(...consumers: StreamConsumer<typeof CrawlRequest>[]) {
  running.push(...consumers);
  await Promise.all(consumers.map((c) => c.start()));
}

describe("StreamConsumer against a real redis-server", () => {
  it("delivers each event to exactly one consumer in each group", async () => {
    const seenA: Seen[] = [];
    const seenB: Seen[] = [];
    await start(
      crawlConsumer(redis, { group: "a", consumer: "a1" }, seenA),
      crawlConsumer(redis, { group: "a", consumer: "a2" }, seenA),
      crawlConsumer(redis, { group: "b", consumer: "b1" }, seenB),
      crawlConsumer(redis, { group: "b", consumer: "b2" }, seenB),
    );
    const titles = Array.from({ length: 200 }, (_, i) => `Topic_${i}`);
    await publisher.publishMany(
      CrawlRequest,
      titles.map((url) => ({ url })),
    );
    await waitFor("both groups to handle 200 events", () => seenA.length >= 200 && seenB.length >= 200);
    await new Promise((r) => setTimeout(r, 300)); // room for any duplicate to show up
    for (const seen of [seenA, seenB]) {
      expect(seen.map((s) => s.event.url).sort()).toEqual([...titles].sort());
      expect(new Set(seen.map((s) => s.ctx.id)).size).toBe(200);
    }
    expect(new Set(seenA.map((s) => s.consumer))).toEqual(new Set(["a1", "a2"]));
    expect(await pendingCount(redis, "crawl:req", "a")).toBe(0);
  });

  it("never hands an entry to a second consumer while a slow handler still holds it", async () => {
    const seen: Seen[] = [];
    const slow = (name: string) =>
      crawlConsumer(
        redis,
        {
          group: "g",
          consumer: name,
          // Five times reclaimIdleMs (150 ms) per entry, three entries in one batch.
          handler: async (event, ctx) => {
            seen.push({ consumer: name, event, ctx });
            await new Promise((r) => setTimeout(r, 750));
          },
        },
        seen,
      );
    await publisher.publishMany(CrawlRequest, [{ url: "A" }, { url: "B" }, { url: "C" }]);
    await start(slow("g1"));
    await new Promise((r) => setTimeout(r, 200));
    await start(slow("g2")); // its reclaim loop looks for idle entries every 50 ms
    await waitFor(
      "all handled",
      async () => seen.length >= 3 && (await pendingCount(redis, "crawl:req", "g")) === 0,
      {
        timeoutMs: 10_000,
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((s) => [s.event.url, s.consumer, s.ctx.deliveries])).toEqual([
      ["A", "g1", 1],
      ["B", "g1", 1],
      ["C", "g1", 1],
    ]);
  });

  it("keeps its other handler slots busy with newer entries while one entry is slow", async () => {
    const handled: string[] = [];
    let releaseSlow: () => void = () => {};
    const slowDone = new Promise<void>((r) => {
      releaseSlow = r;
    });
    await start(
      crawlConsumer(redis, {
        group: "g",
        consumer: "c1",
        concurrency: 2,
        reclaimIdleMs: 30_000, // no reclaim: every entry is handled by the read loop's delivery
        handler: async (event) => {
          if (event.url === "Slow") await slowDone;
          handled.push(event.url);
        },
      }),
    );
    await publisher.publishMany(CrawlRequest, [{ url: "Slow" }, { url: "B" }]);
    await waitFor("B handled beside the slow entry", () => handled.includes("B"));
    // Published after the first read: a consumer that handled whole batches would not read these
    // before the slow entry finished.
    await publisher.publishMany(CrawlRequest, [{ url: "C" }, { url: "D" }, { url: "E" }]);
    try {
      // A handler's entry is acked after it returns: wait for the acks too, not only the handlers.
      await waitFor(
        "C, D and E handled and acked while the slow entry still runs",
        async () => handled.length === 4 && (await pendingCount(redis, "crawl:req", "g")) === 1,
      );
      expect(handled).toEqual(["B", "C", "D", "E"]);
    } finally {
      releaseSlow(); // else stop() in afterEach would wait on the slow handler forever
    }
    await waitFor(
      "the slow entry handled and acked",
      async () => (await pendingCount(redis, "crawl:req", "g")) === 0,
    );
    expect(handled).toEqual(["B", "C", "D", "E", "Slow"]);
  });

  it("accepts an entry typed with redis-cli using flat fields", async () => {
    const seen: Seen[] = [];
    await start(crawlConsumer(redis, { group: "g", consumer: "c1" }, seen));
    const cli = promisify(execFile);
    await cli("redis-cli", [
      "-p",
      String(server.port),
      "XADD",
      "crawl:req",
      "*",
      "url",
      "Artificial_intelligence",
      "prio",
      "1",
    ]);
    await waitFor("the redis-cli entry", () => seen.length === 1);
    expect(seen[0]?.event).toEqual({ url: "Artificial_intelligence", prio: 1 });
    expect(await dlqEntries(redis, "crawl:req")).toEqual([]);
  });

  it("dead-letters malformed entries with a reason and keeps consuming", async () => {
    const seen: Seen[] = [];
    await start(crawlConsumer(redis, { group: "g", consumer: "c1" }, seen));
    await redis.xadd("crawl:req", "*", "prio", "1"); // missing url
    await redis.xadd("crawl:req", "*", "url", "X", "prio", "soon"); // wrong type
    await redis.xadd("crawl:req", "*", "\u0000\u00ff", "\ud800garbage"); // garbage
    await redis.xadd("crawl:req", "*", "url", "X", "v", "9"); // unknown schema version
    await redis.xadd("crawl:req", "*", "url", "Valid_after_garbage");
    await waitFor("the valid entry", () => seen.length === 1);
    const dlq = await waitFor("4 dead letters", async () => {
      const d = await dlqEntries(redis, "crawl:req");
      return d.length === 4 ? d : null;
    });
    expect(dlq.map((d) => d.dlq_reason)).toEqual([
      expect.stringMatching(/url: .*\(missing\)/),
      expect.stringMatching(/prio: expected a decimal number \(got "soon"\)/),
      expect.stringMatching(/url: .*\(missing\)/),
      expect.stringMatching(/unsupported schema version v=9/),
    ]);
    expect(dlq[1]).toMatchObject({
      url: "X",
      prio: "soon",
      dlq_deliveries: "1",
      dlq_group: "g",
      dlq_source: "crawl:req group g",
    });
    expect(seen[0]?.event.url).toBe("Valid_after_garbage");
    await waitFor("the valid entry acked", async () => (await pendingCount(redis, "crawl:req", "g")) === 0);
  });

  it("retries a failing handler and dead-letters it after MAX_DELIVERIES with the error", async () => {
    let calls = 0;
    await start(
      crawlConsumer(redis, {
        group: "g",
        consumer: "c1",
        maxDeliveries: 3,
        handler: async () => {
          calls++;
          throw new Error("upstream exploded");
        },
      }),
    );
    await publisher.publish(CrawlRequest, { url: "Doomed" });
    const [dead] = await waitFor("a dead letter", async () => {
      const d = await dlqEntries(redis, "crawl:req");
      return d.length > 0 ? d : null;
    });
    expect(calls).toBe(3);
    expect(dead).toMatchObject({ url: "Doomed", dlq_deliveries: "3" });
    expect(dead?.dlq_reason).toMatch(/failed 3 deliveries; last error: Error: upstream exploded/);
    expect(await pendingCount(redis, "crawl:req", "g")).toBe(0);
  });

  it("succeeds on a later delivery after a transient failure, without a dead letter", async () => {
    const deliveries: number[] = [];
    await start(
      crawlConsumer(redis, {
        group: "g",
        consumer: "c1",
        handler: async (_e, ctx) => {
          deliveries.push(ctx.deliveries);
          if (ctx.deliveries === 1) throw new Error("flaky");
        },
      }),
    );
    await publisher.publish(CrawlRequest, { url: "Flaky" });
    await waitFor("the retry", () => deliveries.length === 2);
    await waitFor("the ack", async () => (await pendingCount(redis, "crawl:req", "g")) === 0);
    expect(deliveries).toEqual([1, 2]);
    expect(await dlqEntries(redis, "crawl:req")).toEqual([]);
  });

  it("dead-letters a NonRetryableError at once", async () => {
    let calls = 0;
    await start(
      crawlConsumer(redis, {
        group: "g",
        consumer: "c1",
        handler: async () => {
          calls++;
          throw new NonRetryableError("bad_host", "host evil.example is not the configured wiki");
        },
      }),
    );
    await publisher.publish(CrawlRequest, { url: "https://evil.example/x" });
    const [dead] = await waitFor("a dead letter", async () => {
      const d = await dlqEntries(redis, "crawl:req");
      return d.length > 0 ? d : null;
    });
    expect(calls).toBe(1);
    expect(dead?.dlq_reason).toBe("bad_host: host evil.example is not the configured wiki");
  });

  it("finishes an in-flight handler before stop() resolves and acks it", async () => {
    let release: () => void = () => {};
    let started = false;
    const consumer = crawlConsumer(redis, {
      group: "g",
      consumer: "c1",
      handler: () =>
        new Promise<void>((resolve) => {
          started = true;
          release = resolve;
        }),
    });
    await consumer.start();
    await publisher.publish(CrawlRequest, { url: "Slow" });
    await waitFor("the handler to start", () => started);
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await pendingCount(redis, "crawl:req", "g")).toBe(0);
  });
});
