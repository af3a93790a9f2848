import { StreamConsumer } from "@lumina/bus";
import { CrawlRequest } from "@lumina/events";
import { freePort, type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { Type } from "@sinclair/typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceDefinition, startService } from "../src/index.ts";

let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

const quiet = { LOG_LEVEL: "silent", METRICS_PORT: "0" };

describe("startService", () => {
  it("fails with a readable message when Redis cannot be reached", async () => {
    const port = await freePort(); // nothing listens there
    const def: ServiceDefinition<ReturnType<typeof Type.Object>> = {
      name: "probe",
      metricsPort: 0,
      config: Type.Object({}),
      build: () => ({ capabilities: [] }),
    };
    await expect(
      startService(def, {
        ...quiet,
        REDIS_URL: `redis://:secret@127.0.0.1:${port}`,
        REDIS_CONNECT_TIMEOUT_S: "0.5",
      }),
    ).rejects.toThrow(
      new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127.0.0.1:${port} .*point REDIS_URL`),
    );
  });

  it("runs the app's consumers, reports them in /readyz and stops them", async () => {
    const handled: string[] = [];
    const running = await startService(
      {
        name: "demo",
        metricsPort: 0,
        config: Type.Object({ GREETING: Type.String({ default: "hi" }) }),
        build: (deps) => ({
          capabilities: ["consumes crawl:req"],
          consumers: [
            new StreamConsumer({
              ...deps.consumerDefaults,
              redis: deps.redis,
              contract: CrawlRequest,
              group: "demo",
              consumer: deps.consumerName,
              blockMs: 100,
              handler: async (event) => {
                handled.push(`${deps.config.GREETING} ${event.url}`);
              },
            }),
          ],
          readiness: async () => ({ adapters: { vectors: "none" }, fallbacks: ["demo fallback"] }),
        }),
      },
      { ...quiet, REDIS_URL: server.url },
    );
    try {
      const ready = await fetch(`${running.urls.metrics}/readyz`).then((r) => r.json());
      expect(ready).toMatchObject({
        ready: true,
        service: "demo",
        capabilities: ["consumes crawl:req"],
        adapters: { vectors: "none" },
        fallbacks: ["demo fallback"],
      });
      const { Redis } = await import("ioredis");
      const client = new Redis(server.url);
      await client.xadd("crawl:req", "*", "url", "Bodmin");
      client.disconnect();
      await waitFor("the consumer", () => handled.length === 1);
      expect(handled).toEqual(["hi Bodmin"]);
      const metrics = await fetch(`${running.urls.metrics}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(
        /bus_events_consumed_total\{stream="crawl:req",group="demo",outcome="acked",service="demo"\} 1/,
      );
    } finally {
      await running.stop();
    }
    await expect(fetch(`${running.urls.metrics}/healthz`)).rejects.toThrow();
  });
});
