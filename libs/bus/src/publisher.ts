import { type EventOf, encodeEvent, type StreamContract } from "@lumina/events";
import type { Redis } from "ioredis";
import type { BusMetrics } from "./metrics.ts";
import { toArgs } from "./redis.ts";

export interface PublisherOptions {
  redis: Redis;
  /** Approximate cap per stream (`XADD … MAXLEN ~ n`). */
  maxLen?: number;
  metrics?: BusMetrics;
}

/** Validates events against their stream's schema and appends them; trims each stream to ~maxLen. */
export class StreamPublisher {
  readonly #redis: Redis;
  readonly #maxLen: number;
  readonly #metrics: BusMetrics | undefined;

  constructor(opts: PublisherOptions) {
    this.#redis = opts.redis;
    this.#maxLen = opts.maxLen ?? 100_000;
    this.#metrics = opts.metrics;
  }

  /** Appends one event and returns its stream id. Throws a TypeError for an invalid event. */
  async publish<C extends StreamContract>(contract: C, event: EventOf<C>): Promise<string> {
    const args = toArgs(encodeEvent(contract, event));
    const id = await this.#redis.xadd(contract.name, "MAXLEN", "~", this.#maxLen, "*", ...args);
    this.#metrics?.published.inc({ stream: contract.name });
    return id as string;
  }

  /** Appends many events in one round trip; all are validated before any is sent. */
  async publishMany<C extends StreamContract>(contract: C, events: readonly EventOf<C>[]): Promise<string[]> {
    if (events.length === 0) return [];
    const encoded = events.map((event) => toArgs(encodeEvent(contract, event)));
    const pipeline = this.#redis.pipeline();
    for (const args of encoded) pipeline.xadd(contract.name, "MAXLEN", "~", this.#maxLen, "*", ...args);
    const results = (await pipeline.exec()) ?? [];
    const ids = results.map(([err, id]) => {
      if (err) throw err;
      return id as string;
    });
    this.#metrics?.published.inc({ stream: contract.name }, ids.length);
    return ids;
  }
}
