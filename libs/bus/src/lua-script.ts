import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/**
 * A Lua script that Redis runs atomically, sent by its SHA1 (EVALSHA) and as source only when Redis
 * does not hold it yet (first use, a restart, SCRIPT FLUSH). One script call replaces a pipeline of one
 * command per item: for the knowledge graph's per-link work that is hundreds of client-side commands an
 * article. Every key a script touches is passed in `keys`, as Redis asks of scripts.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  /** A script kept in a `.lua` file beside the code, its KEYS and ARGV described in its header. */
  static fromFile(url: URL): LuaScript {
    return new LuaScript(readFileSync(url, "utf8"));
  }

  /** Runs the script; a Buffer argument goes as bytes (binary values), anything else as a string. */
  async run(redis: Redis, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
    const params = [...keys, ...args.map((a) => (Buffer.isBuffer(a) ? a : String(a)))];
    try {
      return await redis.evalsha(this.sha, keys.length, params);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith("NOSCRIPT"))) throw err;
      return redis.eval(this.source, keys.length, params);
    }
  }
}
