import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Redis } from "ioredis";

/**
 * Every key of a Redis, one JSON line each: `{"k": key (base64), "t": ms to live or 0, "v": DUMP
 * (base64)}`. DUMP/RESTORE keeps every type (streams with their consumer groups included) exactly;
 * the format is Redis's own, so restore into the same or a newer Redis version.
 */
export async function dumpRedis(
  redis: Redis,
  file: string,
  onProgress: (keys: number) => void,
): Promise<number> {
  const out = createWriteStream(file);
  let keys = 0;
  let cursor = "0";
  do {
    const [next, batch] = await redis.scanBuffer(cursor, "COUNT", 500);
    cursor = String(next);
    if (batch.length === 0) continue;
    const p = redis.pipeline();
    for (const key of batch) p.dumpBuffer(key).pttl(key);
    const replies = (await p.exec()) ?? [];
    let chunk = "";
    batch.forEach((key, i) => {
      const value = replies[2 * i]?.[1] as Buffer | null;
      if (!value) return; // expired between SCAN and DUMP
      const ttl = Number(replies[2 * i + 1]?.[1] ?? -1);
      chunk += `${JSON.stringify({ k: key.toString("base64"), t: ttl > 0 ? ttl : 0, v: value.toString("base64") })}\n`;
      keys++;
    });
    if (!out.write(chunk)) await once(out, "drain");
    onProgress(keys);
  } while (cursor !== "0");
  out.end();
  await once(out, "finish");
  return keys;
}

/** Restores what dumpRedis wrote; `replace` overwrites keys that exist (otherwise they are an error). */
export async function restoreRedis(
  redis: Redis,
  file: string,
  opts: { replace: boolean; onProgress: (keys: number) => void },
): Promise<number> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let keys = 0;
  let p = redis.pipeline();
  const flush = async () => {
    const failed = ((await p.exec()) ?? []).find(([err]) => err);
    if (failed) throw failed[0];
    p = redis.pipeline();
    opts.onProgress(keys);
  };
  for await (const line of lines) {
    if (!line.trim()) continue;
    const { k, t, v } = JSON.parse(line) as { k: string; t: number; v: string };
    const args: (string | number | Buffer)[] = [Buffer.from(k, "base64"), t, Buffer.from(v, "base64")];
    if (opts.replace) args.push("REPLACE");
    p.call("RESTORE", ...args);
    if (++keys % 500 === 0) await flush();
  }
  await flush();
  return keys;
}
