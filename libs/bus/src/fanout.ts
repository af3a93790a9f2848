import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { closeRedis, toFields } from "./redis.ts";

export interface FanoutEntry {
  stream: string;
  id: string;
  fields: Record<string, string>;
}

export interface FanoutOptions {
  /** The reader opens its own blocking duplicate of this connection. */
  redis: Redis;
  streams: readonly string[];
  onEntries: (entries: FanoutEntry[]) => void;
  logger: Logger;
  blockMs?: number;
  count?: number;
}

/**
 * Reads several streams with plain XREAD (no group, no acks) from "now" on: every reader sees every
 * entry, which is what a broadcaster such as ws-bridge needs. "Now" is resolved to each stream's last
 * id once, at start, so nothing published after start() resolves is missed between two reads.
 */
export class FanoutReader {
  readonly #o: Required<FanoutOptions>;
  #blocking: Redis | undefined;
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(opts: FanoutOptions) {
    this.#o = { blockMs: 1_000, count: 256, ...opts };
  }

  async start(): Promise<void> {
    const last = await Promise.all(this.#o.streams.map((s) => this.#lastId(s)));
    const cursors = new Map(this.#o.streams.map((s, i) => [s, last[i] as string]));
    this.#blocking = this.#o.redis.duplicate({ connectionName: "fanout:read" });
    this.#blocking.on("error", () => {}); // the read loop logs failures and retries
    this.#loop = this.#run(this.#blocking, cursors);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    if (this.#blocking) await closeRedis(this.#blocking);
  }

  async #lastId(stream: string): Promise<string> {
    const [newest] = (await this.#o.redis.xrevrange(stream, "+", "-", "COUNT", 1)) as [string, string[]][];
    return newest?.[0] ?? "0-0";
  }

  async #run(blocking: Redis, cursors: Map<string, string>): Promise<void> {
    while (!this.#stopping) {
      try {
        const streams = [...cursors.keys()];
        const reply = (await blocking.xread(
          "COUNT",
          this.#o.count,
          "BLOCK",
          this.#o.blockMs,
          "STREAMS",
          ...streams,
          ...streams.map((s) => cursors.get(s) as string),
        )) as [string, [string, string[]][]][] | null;
        const out: FanoutEntry[] = [];
        for (const [stream, entries] of reply ?? []) {
          for (const [id, flat] of entries) out.push({ stream, id, fields: toFields(flat) });
          const newest = entries[entries.length - 1];
          if (newest) cursors.set(stream, newest[0]);
        }
        if (out.length > 0) this.#o.onEntries(out);
      } catch (err) {
        if (this.#stopping) break;
        this.#o.logger.error({ err }, "fan-out read failed; retrying");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}
