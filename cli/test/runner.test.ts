import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "@lumina/config";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { type Lumina, SERVICES, startLocalRedis, startLumina } from "../src/index.ts";
import { getJson, isListening, isolatedEnv } from "./helpers.ts";

let running: Lumina | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const configOf = (env: Record<string, string>) => ({
  DATA_DIR: env.DATA_DIR as string,
  LOCAL_REDIS_PORT: Number(env.LOCAL_REDIS_PORT),
});

describe("one-process runner", () => {
  it("starts its own redis-server with AOF and every service with health endpoints", async () => {
    const env = await isolatedEnv();
    running = await startLumina(env, configOf(env));
    expect(running.services.map((s) => s.name).sort()).toEqual(SERVICES.map((s) => s.NAME).sort());
    expect(existsSync(join(env.DATA_DIR as string, "redis", "appendonlydir"))).toBe(true);

    const urls = running.services.flatMap((s) => Object.values(s.urls));
    expect(urls).toHaveLength(SERVICES.length + 3); // + chat API, ws-bridge and memory API
    for (const url of urls) {
      expect((await getJson(`${url}/healthz`)).status).toBe(200);
      const ready = await getJson(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ ready: true, checks: { redis: { ok: true } } });
    }
    const indexer = running.services.find((s) => s.name === "indexer");
    const metrics = await fetch(`${indexer?.urls.metrics}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/process_cpu_seconds_total\{service="indexer"\}/);
  });

  it("stops the services and its redis-server", async () => {
    const env = await isolatedEnv();
    const lumina = await startLumina(env, configOf(env));
    const url = lumina.services[0]?.urls.metrics as string;
    await lumina.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(await isListening(Number(env.LOCAL_REDIS_PORT))).toBe(false);
  });

  it("uses REDIS_URL when set and starts no server of its own", async () => {
    const env = await isolatedEnv();
    const external = await startLocalRedis(env.DATA_DIR as string, Number(env.LOCAL_REDIS_PORT));
    try {
      running = await startLumina(env, { ...configOf(env), REDIS_URL: external.url });
      expect(running.localRedis).toBeUndefined();
      expect(running.redisUrl).toBe(external.url);
    } finally {
      await running?.stop();
      running = undefined;
      await external.stop();
    }
  });

  it("reports every bad variable of every service at once, before starting anything", async () => {
    const env = await isolatedEnv();
    const bad = { ...env, CHAT_PORT: "eighty", MAX_DELIVERIES: "0", WS_PORT: "-1" };
    const error = await startLumina(bad, configOf(env)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^MAX_DELIVERIES: Expected integer to be greater or equal to 1, got "0"/),
      expect.stringMatching(/^CHAT_PORT: Expected integer, got "eighty"/),
      expect.stringMatching(/^WS_PORT: Expected integer to be greater or equal to 0, got "-1"/),
    ]);
    expect(await isListening(Number(env.LOCAL_REDIS_PORT))).toBe(false); // no redis-server was started
  });

  it("replaces a redis-server left behind by a runner that was killed", async () => {
    const env = await isolatedEnv();
    const orphan = await startLocalRedis(env.DATA_DIR as string, Number(env.LOCAL_REDIS_PORT));
    const client = new Redis(orphan.url);
    await client.set("survives", "yes"); // AOF: the replacement server must still have it
    client.disconnect();
    const fresh = await startLocalRedis(env.DATA_DIR as string, Number(env.LOCAL_REDIS_PORT));
    try {
      const again = new Redis(fresh.url);
      expect(await again.get("survives")).toBe("yes");
      again.disconnect();
    } finally {
      await fresh.stop();
      await orphan.stop();
    }
  });
});
