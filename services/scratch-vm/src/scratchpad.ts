import { LuaScript } from "@lumina/bus";
import { PADS } from "@lumina/events";
import type { Redis } from "ioredis";

const SET_IF_OPEN = LuaScript.fromFile(new URL("./lua/set-if-open.lua", import.meta.url));

export interface PadInfo {
  padId: string;
  title: string;
  rounds: number;
}

/**
 * A scratchpad: a Redis hash that lives PAD_TTL seconds from its creation (the TTL is set once, not
 * refreshed by notes), listed in `pads:deadlines` so that the compressor can fold it before it expires.
 */
export class Scratchpads {
  constructor(
    private readonly redis: Redis,
    private readonly ttlS: number,
  ) {}

  /** Opens the pad unless it exists or was folded already; true when this call created it. */
  async open(pad: PadInfo, now: number): Promise<"created" | "open" | "compressed"> {
    if ((await this.redis.sismember(PADS.compressed, pad.padId)) === 1) return "compressed";
    const key = PADS.pad(pad.padId);
    const deadline = now + this.ttlS * 1_000;
    const [[, created] = []] =
      (await this.redis
        .multi()
        .hsetnx(key, "created", now)
        .hset(key, { title: pad.title, rounds: pad.rounds })
        .hsetnx(key, "deadline", deadline)
        .expire(key, this.ttlS, "NX")
        .zadd(PADS.deadlines, "NX", deadline, pad.padId)
        .exec()) ?? [];
    return created === 1 ? "created" : "open";
  }

  /** Notes written so far, by round. */
  async notes(padId: string): Promise<Map<number, { note: string; published: boolean }>> {
    const fields = await this.redis.hgetall(PADS.pad(padId));
    const out = new Map<number, { note: string; published: boolean }>();
    for (const [k, v] of Object.entries(fields)) {
      const m = /^note:(\d+)$/.exec(k);
      if (m) out.set(Number(m[1]), { note: v, published: fields[`pub:${m[1]}`] === "1" });
    }
    return out;
  }

  /**
   * Writes a note into the pad if the pad still exists; false when the compressor folded it already (or
   * it expired), so that a late note never re-creates a pad without a TTL. The note still reaches
   * long-term memory through its think:note event.
   */
  async writeNote(padId: string, round: number, note: string): Promise<boolean> {
    return (await this.#setIfOpen(padId, `note:${round}`, note)) === 1;
  }

  async markPublished(padId: string, round: number): Promise<void> {
    await this.#setIfOpen(padId, `pub:${round}`, "1");
  }

  #setIfOpen(padId: string, field: string, value: string): Promise<unknown> {
    return SET_IF_OPEN.run(this.redis, [PADS.pad(padId)], [field, value]);
  }
}
