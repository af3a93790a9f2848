import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { StreamPublisher } from "@lumina/bus";
import { GraphAdd } from "@lumina/events";
import { loadPlugins } from "@lumina/plugins";
import { startRedisServer, waitFor } from "@lumina/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { expect, it } from "vitest";

const article = (page_id: number, categories: string[]) => ({
  title: `Page ${page_id}`,
  page_id,
  revision: 1,
  url: `https://en.wikipedia.org/wiki/Page_${page_id}`,
  summary: "A page.",
  fingerprint: "f".repeat(16),
  links: [],
  categories,
  sections: [],
  fetched_at: new Date().toISOString(),
});

it("topic-stats counts the categories of the articles read, once per article, most common first", async () => {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const logger = pino({ level: "silent" });
  const publisher = new StreamPublisher({ redis });
  let consumers: Awaited<ReturnType<typeof loadPlugins>>["consumers"] = [];
  try {
    const loaded = await loadPlugins({
      dir: dirname(dirname(fileURLToPath(import.meta.url))),
      redis,
      publisher,
      logger,
      consumerName: "test",
      consumerDefaults: { maxDeliveries: 3, reclaimIdleMs: 1000, logger },
    });
    consumers = loaded.consumers;
    for (const c of consumers) await c.start();
    await publisher.publish(GraphAdd, article(1, ["Towns in Cornwall", "Market towns"]));
    await publisher.publish(GraphAdd, article(2, ["Towns in Cornwall"]));
    await publisher.publish(GraphAdd, article(2, ["Towns in Cornwall"])); // the same revision again
    const top = loaded.routes.find((r) => r.url === "/plugins/topic-stats/top");
    await waitFor("counted", async () => {
      const body = (await top?.handler({ query: {}, body: undefined })) as {
        categories: { articles: number }[];
      };
      return body.categories[0]?.articles === 2;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await top?.handler({ query: { n: "5" }, body: undefined })).toEqual({
      categories: [
        { name: "Towns in Cornwall", articles: 2 },
        { name: "Market towns", articles: 1 },
      ],
    });
  } finally {
    for (const c of consumers) await c.stop();
    redis.disconnect();
    await server.stop();
  }
});
