import type { RunningService } from "@lumina/runtime";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { start } from "../src/main.ts";

let server: RedisServerHandle;
let redis: Redis;
const running: RunningService[] = [];

/** The planner as shipped: only where it listens and logs are set. */
const defaults = () => ({ REDIS_URL: server.url, METRICS_PORT: "0", LOG_LEVEL: "silent" });
/** For the tests of the queue's and budget's timing, which is what they set: checks every 50 ms. */
const env = (own: Record<string, string>) => ({ ...defaults(), QUEUE_CHECK_MS: "50", ...own });
const crawlRequests = async () =>
  (await redis.xrange("crawl:req", "-", "+")).map(([, f]) => {
    const o: Record<string, string> = {};
    for (let i = 0; i + 1 < f.length; i += 2) o[f[i] as string] = f[i + 1] as string;
    return o;
  });
const gap = (topic: string, reason = "dangling") =>
  redis.xadd("gap:req", "*", "topic", topic, "reason", reason);
/** The gap store as handled gap:req leave it, written before the planner starts so that its first round sees every gap. */
const stored = async (...topics: string[]) => {
  for (const t of topics)
    await redis.multi().zincrby("gaps:topics", 1, t).hset("gaps:last_seen", t, Date.now()).exec();
};

/** A read graph: A (rank .8) links to X and Y, B (rank .2) links to Z; X, Y, Z are unread. */
async function seedGraph() {
  await redis.sadd("kg:nodes", "A", "B");
  await redis.zadd("kg:pagerank", 0.8, "A", 0.2, "B");
  await redis.sadd("kg:out:A", "X", "Y");
  await redis.sadd("kg:out:B", "Z");
  for (const [t, from] of [
    ["X", "A"],
    ["Y", "A"],
    ["Z", "B"],
  ] as const)
    await redis.sadd(`kg:in:${t}`, from);
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
  await redis.flushall();
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe("planner (real Redis)", () => {
  it("sends the highest-priority gaps first, only up to QUEUE_MAX", async () => {
    await seedGraph();
    await stored("Z", "X", "Y", "A"); // A is read already: dropped
    running.push(await start(env({ QUEUE_MIN: "1", QUEUE_MAX: "2" })));
    await waitFor("two crawl:req", async () => (await redis.xlen("crawl:req")) >= 2);
    await new Promise((r) => setTimeout(r, 300)); // more rounds pass: the queue (unread crawl:req) is full
    const sent = await crawlRequests();
    expect(sent.map((s) => s.url).sort()).toEqual(["X", "Y"]); // rank .4 each; Z only .2
    expect(sent.every((s) => s.source === "planner")).toBe(true);
    expect(await redis.zscore("gaps:topics", "A")).toBeNull();
    expect(await redis.hget("gaps:attempts", "X")).toBe("1");
  });

  it("says why it sends each crawl: the linking article, the reason and the priority's terms", async () => {
    await seedGraph();
    await stored("X", "Z"); // with the origins a handled gap:req records:
    await redis.hset("gaps:why", "X", "sparse", "Z", "dangling");
    await redis.hset("gaps:parent", "X", "A", "Z", "B");
    running.push(await start(defaults()));
    await waitFor("two crawl:req", async () => (await redis.xlen("crawl:req")) >= 2);
    const byUrl = new Map((await crawlRequests()).map((s) => [s.url, s]));
    expect(byUrl.get("X")).toMatchObject({ why: "sparse", parent: "A", source: "planner" });
    expect(byUrl.get("Z")).toMatchObject({ why: "dangling", parent: "B" });
    const terms = JSON.parse(byUrl.get("X")?.terms as string);
    expect(terms.pagerank).toBeCloseTo(0.4, 10); // A's .8 over its two links
    expect(terms.novelty).toBe(1);
    expect(terms.priority).toBeCloseTo(terms.pagerank * terms.novelty * terms.recency * terms.relevance, 12);
    // The round's best candidates with their terms, for `lumina status`.
    const plan = JSON.parse((await redis.get("gaps:plan")) as string);
    expect(plan.candidates.map((c: { topic: string }) => c.topic)).toEqual(["X", "Z"]);
    expect(plan.candidates[0].terms).toEqual(terms);
  });

  it("holds back candidates far from the seeds while closer ones are left", async () => {
    await redis.sadd("kg:nodes", "Nebula");
    await redis.hset(
      "interests:seeds",
      "Nebula",
      JSON.stringify({ text: "Nebula. A cloud of interstellar gas and dust.", at: Date.now() }),
    );
    const topics = ["Supernova", "Telescope", "Bread", "Violin"];
    for (const t of topics) await redis.sadd(`kg:in:${t}`, "Nebula");
    await stored(...topics);
    running.push(await start(defaults()));
    await waitFor("two crawl:req", async () => (await redis.xlen("crawl:req")) >= 2);
    await new Promise((r) => setTimeout(r, 4_500)); // two more rounds (QUEUE_CHECK_MS), the queue still short
    expect((await crawlRequests()).map((s) => s.url).sort()).toEqual(["Supernova", "Telescope"]);
    const plan = JSON.parse((await redis.get("gaps:plan")) as string);
    const held = plan.candidates
      .filter((c: { held?: string }) => c.held)
      .map((c: { topic: string }) => c.topic);
    expect(held.sort()).toEqual(["Bread", "Violin"]);
    // Once nothing closer is left, they are read too.
    await redis.sadd("kg:nodes", "Supernova", "Telescope");
    await redis.xgroup("CREATE", "crawl:req", "crawler", "$");
    await waitFor("the others sent", async () => (await redis.xlen("crawl:req")) >= 4);
  }, 30_000);

  it("tops the queue up as the crawler drains it", async () => {
    await seedGraph();
    await stored("X", "Y", "Z");
    running.push(await start(env({ QUEUE_MIN: "1", QUEUE_MAX: "2" })));
    await waitFor("two crawl:req", async () => (await redis.xlen("crawl:req")) >= 2);
    // The crawler's group reads them (lag 0), and X is read: the queue is empty again.
    await redis.xgroup("CREATE", "crawl:req", "crawler", "$");
    await redis.sadd("kg:nodes", "X");
    await waitFor("Z sent", async () => (await crawlRequests()).some((s) => s.url === "Z"));
    expect((await crawlRequests()).map((s) => s.url).filter((u) => u === "X")).toHaveLength(1);
  });

  it("never sends more than CRAWL_BUDGET_PER_HR in a window", async () => {
    await redis.sadd("kg:nodes", "Root");
    for (let i = 0; i < 30; i++) await gap(`T${i}`);
    running.push(
      await start(
        env({ QUEUE_MIN: "20", QUEUE_MAX: "40", CRAWL_BUDGET_PER_HR: "5", CRAWL_BUDGET_WINDOW_S: "1" }),
      ),
    );
    // Whether a sixth comes before the first window ends depends on where in the window the first
    // five fell: the property checked below is the budget itself, every window of 1 s holding at most 5.
    await waitFor("five crawl:req", async () => (await redis.xlen("crawl:req")) >= 5);
    await waitFor("the next window's five", async () => (await redis.xlen("crawl:req")) >= 10, {
      timeoutMs: 5_000,
    });
    const issued = (await redis.zrange("gaps:issued", 0, -1, "WITHSCORES"))
      .filter((_, i) => i % 2 === 1)
      .map(Number);
    for (const t of issued)
      expect(issued.filter((u) => u > t - 1_000 && u <= t).length).toBeLessThanOrEqual(5);
  });

  it("crawls an unanswered question at once, but never a title already read", async () => {
    await redis.sadd("kg:nodes", "Known");
    await redis.zadd("crawl:queue", 0, "Queued"); // the crawl queue is full (depth 1 = QUEUE_MAX): no planning round sends
    running.push(await start(env({ QUEUE_MIN: "0", QUEUE_MAX: "1", PLAN_INTERVAL_S: "3600" })));
    await gap("Known", "low_confidence");
    await gap("Damphu drum", "low_confidence");
    await waitFor("question topic sent", async () => (await redis.xlen("crawl:req")) >= 1);
    await waitFor(
      "gap:req handled",
      async () => ((await redis.xpending("gap:req", "planner")) as [number])[0] === 0,
    );
    const sent = await crawlRequests();
    expect(sent.map((s) => [s.url, s.prio, s.reason])).toEqual([["Damphu drum", "10", "gap:low_confidence"]]);
  });
});
