import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@lumina/testing";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { startLocalRedis } from "../src/local-redis.ts";
import { runCli, tempDir } from "./helpers.ts";

// Every command answers, with its documented exit code, when Redis is down or Lumina is stopped —
// none of them waits for a Redis that is not coming (docs/cli.md).
const timed = async (args: string[], env: Record<string, string>) => {
  const t = performance.now();
  const r = await runCli(args, env);
  return { ...r, ms: performance.now() - t };
};

describe("commands with Redis down", () => {
  it("seed, dlq and status say they cannot reach Redis, exit 69, and do not hang", async () => {
    const env = {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      DATA_DIR: await tempDir("lumina-down-"),
    };
    for (const args of [
      ["seed", "Bodmin"],
      ["dlq", "list"],
    ]) {
      const r = await timed(args, env);
      expect(r.code, args.join(" ")).toBe(69);
      expect(r.err).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ .*npm start/);
      expect(r.ms).toBeLessThan(8_000);
    }
    const status = await timed(["status"], env);
    expect(status.code).toBe(69);
    expect(status.out).toMatch(/^Knowledge +articles \? /m); // not "0": it could not be read
  }, 60_000);

  it("snapshot with Lumina stopped starts DATA_DIR's Redis itself, and stops it again", async () => {
    const dataDir = await tempDir("lumina-stopped-");
    const port = await freePort();
    const redis = await startLocalRedis(dataDir, port); // an earlier run of Lumina left this data
    const client = new Redis(redis.url);
    await client.sadd("kg:nodes", "Bodmin", "Toronto");
    client.disconnect();
    await redis.stop();
    const out = join(dataDir, "snap.tar.gz");
    const env = { DATA_DIR: dataDir, LOCAL_REDIS_PORT: String(port) };
    const r = await timed(["snapshot", "--out", out], env);
    expect(r.code).toBe(0);
    expect(r.err).toContain("Lumina is stopped; starting its Redis");
    expect(r.out).toContain("2 articles");
    const manifest = await promisify(execFile)("tar", ["-xzOf", out, "manifest.json"]);
    expect(JSON.parse(manifest.stdout).redis.articles).toBe(2);
    expect((await timed(["dlq", "list"], env)).code).toBe(69); // the Redis it started is gone again
  }, 60_000);
});

describe("usage errors", () => {
  it("name the problem and exit 64", async () => {
    const env = { REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const limit = await runCli(["dlq", "list", "--limit", "abc"], env);
    expect([limit.code, limit.err]).toEqual([
      64,
      expect.stringContaining('--limit must be a whole number of at least 1 (got "abc")'),
    ]);
    const stream = await runCli(["dlq", "list", "nosuch:stream"], env);
    expect([stream.code, stream.err]).toEqual([
      64,
      expect.stringContaining('unknown stream "nosuch:stream"'),
    ]);
    const restore = await runCli(["restore", "/nonexistent.tar.gz"], env);
    expect([restore.code, restore.err]).toEqual([64, expect.stringContaining("no such file")]);
    const bare = await runCli([], env);
    expect([bare.code, bare.err]).toEqual([64, expect.stringContaining("Usage: lumina <command>")]);
    const help = await runCli(["--help"], env);
    expect([help.code, help.out]).toEqual([0, expect.stringContaining("Usage: lumina <command>")]);
  }, 60_000);
});
