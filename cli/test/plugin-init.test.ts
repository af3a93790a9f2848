import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { StreamPublisher } from "@lumina/bus";
import { loadPlugins } from "@lumina/plugins";
import { startRedisServer } from "@lumina/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers.ts";

describe("lumina plugin init", () => {
  it("scaffolds a plugin that loads, serves its endpoint and ships a test", async () => {
    const modules = await tempDir("lumina-modules-");
    const made = await runCli(["plugin", "init", "hello-world"], { MODULES_DIR: modules });
    expect(made.code).toBe(0);
    expect(made.out).toContain("GET /plugins/hello-world/hello");
    expect(await readFile(join(modules, "hello-world", "index.test.ts"), "utf8")).toContain(
      'it("hello-world serves GET /hello"',
    );

    const server = await startRedisServer();
    const redis = new Redis(server.url);
    const logger = pino({ level: "silent" });
    try {
      const loaded = await loadPlugins({
        dir: modules,
        redis,
        publisher: new StreamPublisher({ redis }),
        logger,
        consumerName: "test",
        consumerDefaults: { maxDeliveries: 3, reclaimIdleMs: 1000, logger },
      });
      expect(loaded.manifests.map((m) => `${m.name}@${m.version}`)).toEqual(["hello-world@0.1.0"]);
      expect(loaded.consumers.map((c) => c.stream)).toEqual(["graph:add"]);
      const hello = loaded.routes.find((r) => r.url === "/plugins/hello-world/hello");
      expect(await hello?.handler({ query: {}, body: undefined })).toEqual({ hello: "world", articles: 0 });
    } finally {
      redis.disconnect();
      await server.stop();
    }

    expect((await runCli(["plugin", "init", "hello-world"], { MODULES_DIR: modules })).code).toBe(73);
    expect((await runCli(["plugin", "init", "Bad Name"], { MODULES_DIR: modules })).code).toBe(64);
  }, 30_000);
});
