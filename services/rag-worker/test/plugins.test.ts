import { fileURLToPath } from "node:url";
import { StreamPublisher } from "@lumina/bus";
import { GraphAdd } from "@lumina/events";
import type { RunningService } from "@lumina/runtime";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { start } from "../src/main.ts";

// The rag-worker loads the shipped example plugin (modules/topic-stats) and serves its endpoint, fed
// by real graph:add events through the plugin's own consumer group.
const MODULES = fileURLToPath(new URL("../../../modules", import.meta.url));
let stack: TestStack;
let redis: Redis;
let rag: RunningService;

beforeAll(async () => {
  stack = await startStack("lumina-rag-plugins-");
  redis = stack.redis;
  rag = await stack.run(
    start(stack.env({ CHAT_PORT: "0", EMBEDDER: "hashing", MODULES_DIR: MODULES, LUMINA_API_KEY: "k3y" })),
  );
});
afterAll(() => stack?.stop());

describe("plugins in the rag-worker", () => {
  it("serves topic-stats' endpoint behind the API key, counting real graph:add events", async () => {
    const publisher = new StreamPublisher({ redis });
    for (const [id, categories] of [
      [1, ["Towns in Cornwall", "Civil parishes"]],
      [2, ["Towns in Cornwall"]],
    ] as const)
      await publisher.publish(GraphAdd, {
        title: `T${id}`,
        page_id: id,
        revision: 1,
        url: `https://en.wikipedia.org/wiki/T${id}`,
        summary: "x",
        fingerprint: "f".repeat(16),
        links: [],
        categories: [...categories],
        sections: [],
        fetched_at: new Date().toISOString(),
      });
    const get = (key?: string) =>
      fetch(`${rag.urls.chat}/plugins/topic-stats/top?n=1`, {
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    expect((await get()).status).toBe(401);
    await waitFor("counted", async () => {
      const body = (await (await get("k3y")).json()) as { categories: { articles: number }[] };
      return body.categories[0]?.articles === 2;
    });
    expect(await (await get("k3y")).json()).toEqual({
      categories: [{ name: "Towns in Cornwall", articles: 2 }],
    });
    const ready = (await fetch(`${rag.urls.metrics}/readyz`).then((r) => r.json())) as {
      adapters: Record<string, string>;
      capabilities: string[];
    };
    expect(ready.adapters.plugins).toBe("topic-stats@1.0.0");
    expect(ready.capabilities).toContain("GET /plugins/topic-stats/top (plugin topic-stats)");
  });
});
