import { decodeEvent, type EventOf, type StreamContract } from "@lumina/events";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { deadLetter } from "./dead-letter.ts";
import { describeError, NonRetryableError } from "./errors.ts";
import type { BusMetrics } from "./metrics.ts";
import { claimStale, type RawEntry } from "./reclaim.ts";
import { closeRedis, toFields } from "./redis.ts";

export interface DeliveryContext {
  /** The stream entry id; stable across redeliveries, so usable as an idempotency key. */
  id: string;
  stream: string;
  /** 1 on first delivery, then incremented each time the entry is claimed again. */
  deliveries: number;
  version: number;
}

export type Handler<C extends StreamContract> = (event: EventOf<C>, ctx: DeliveryContext) => Promise<void>;

export interface ConsumerOptions<C extends StreamContract> {
  /** Connection for acks, claims and dead letters; the consumer opens its own blocking duplicate. */
  redis: Redis;
  contract: C;
  group: string;
  /** Unique per process; entries are pending under this name until acked. */
  consumer: string;
  handler: Handler<C>;
  logger: Logger;
  metrics?: BusMetrics;
  /** Entries read per XREADGROUP call (default 32). */
  batchSize?: number;
  /** Handlers running at once within a batch (default 1: entries handled in stream order). */
  concurrency?: number;
  /** How long one XREADGROUP blocks; also bounds how long stop() waits for the read loop (default 1000). */
  blockMs?: number;
  /** Deliveries before an entry is dead-lettered (default 5). */
  maxDeliveries?: number;
  /** An entry pending this long is claimed again: the retry delay and the crash-recovery time (default 30 s). */
  reclaimIdleMs?: number;
  /** How often to look for such entries (default min(reclaimIdleMs, 5 s)). */
  reclaimIntervalMs?: number;
  /** Cap for `<stream>:dlq` (default 10,000). */
  deadLetterMaxLen?: number;
  /** Where a new group starts: "0" (default) also handles entries added before the first start. */
  startId?: string;
}

type Outcome = "acked" | "retried" | "dead_lettered";

/**
 * At-least-once consumption of one stream in a consumer group. An entry is acked only after its
 * handler resolved; a failed entry stays pending and is retried after `reclaimIdleMs`; entries a dead
 * consumer left pending are claimed by the reclaim loop (XAUTOCLAIM); malformed entries and entries
 * that failed `maxDeliveries` times go to `<stream>:dlq` with the reason. Handlers must be idempotent.
 */
export class StreamConsumer<C extends StreamContract> {
  readonly #o: Required<Omit<ConsumerOptions<C>, "metrics">> & { metrics: BusMetrics | undefined };
  readonly #log: Logger;
  #blocking: Redis | undefined;
  #stopping = false;
  #readLoop: Promise<void> | undefined;
  #reclaimTimer: NodeJS.Timeout | undefined;
  #reclaiming: Promise<void> | undefined;
  /** Entries this consumer holds (being handled, or waiting in its batch): kept fresh, never reclaimed. */
  readonly #held = new Set<string>();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(opts: ConsumerOptions<C>) {
    const reclaimIdleMs = opts.reclaimIdleMs ?? 30_000;
    this.#o = {
      batchSize: 32,
      concurrency: 1,
      blockMs: 1_000,
      maxDeliveries: 5,
      reclaimIntervalMs: Math.min(reclaimIdleMs, 5_000),
      deadLetterMaxLen: 10_000,
      startId: "0",
      ...opts,
      reclaimIdleMs,
      metrics: opts.metrics,
    };
    this.#log = opts.logger.child({ stream: opts.contract.name, group: opts.group, consumer: opts.consumer });
  }

  get stream(): string {
    return this.#o.contract.name;
  }

  async start(): Promise<void> {
    await this.#ensureGroup();
    this.#blocking = this.#o.redis.duplicate({ connectionName: `${this.#o.consumer}:read` });
    this.#blocking.on("error", () => {}); // the read loop logs failures and retries
    this.#readLoop = this.#runReadLoop(this.#blocking);
    this.#scheduleReclaim(0);
    // A handler may run longer than reclaimIdleMs (a model writing a note): touching the entries it holds
    // (XCLAIM … JUSTID resets their idle time without counting a delivery) keeps any consumer, this one
    // included, from reclaiming and handling them a second time meanwhile.
    this.#heartbeat = setInterval(
      () => this.#touchHeld(),
      Math.max(20, Math.floor(this.#o.reclaimIdleMs / 3)),
    );
    this.#heartbeat.unref();
  }

  #touchHeld(): void {
    if (this.#held.size === 0) return;
    const { redis, group, consumer } = this.#o;
    redis.xclaim(this.stream, group, consumer, 0, ...this.#held, "JUSTID").catch(() => undefined);
  }

  /** Stops reading, lets in-flight handlers finish, then closes the blocking connection. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#reclaimTimer);
    await Promise.all([this.#readLoop, this.#reclaiming]);
    clearInterval(this.#heartbeat);
    if (this.#blocking) await closeRedis(this.#blocking);
  }

  async #ensureGroup(): Promise<void> {
    try {
      await this.#o.redis.xgroup("CREATE", this.stream, this.#o.group, this.#o.startId, "MKSTREAM");
    } catch (err) {
      if (!String(err).includes("BUSYGROUP")) throw err;
    }
  }

  async #runReadLoop(blocking: Redis): Promise<void> {
    const { group, consumer, batchSize, blockMs } = this.#o;
    while (!this.#stopping) {
      try {
        const reply = (await blocking.xreadgroup(
          "GROUP",
          group,
          consumer,
          "COUNT",
          batchSize,
          "BLOCK",
          blockMs,
          "STREAMS",
          this.stream,
          ">",
        )) as [string, [string, string[]][]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length > 0) {
          await this.#handleBatch(
            entries.map(([id, flat]) => ({ id, fields: toFields(flat), deliveries: 1 })),
          );
        }
      } catch (err) {
        if (this.#stopping) break;
        // The group vanishes when Redis lost its data (restart without AOF, FLUSHALL): recreate it.
        if (String(err).includes("NOGROUP")) await this.#ensureGroup().catch(() => undefined);
        else this.#log.error({ err }, "reading the stream failed; retrying");
        await sleep(Math.min(blockMs, 500));
      }
    }
  }

  #scheduleReclaim(delayMs: number): void {
    if (this.#stopping) return;
    this.#reclaimTimer = setTimeout(() => {
      this.#reclaiming = this.#reclaimOnce()
        .catch((err) => this.#log.error({ err }, "reclaiming pending entries failed"))
        .finally(() => this.#scheduleReclaim(this.#o.reclaimIntervalMs));
    }, delayMs);
  }

  async #reclaimOnce(): Promise<void> {
    const { redis, group, consumer, reclaimIdleMs, batchSize, maxDeliveries } = this.#o;
    for await (const batch of claimStale(redis, this.stream, group, consumer, reclaimIdleMs, batchSize)) {
      if (this.#stopping) return; // claimed entries stay pending for the next consumer
      this.#o.metrics?.reclaimed.inc({ stream: this.stream, group }, batch.length);
      const fresh: RawEntry[] = [];
      for (const entry of batch) {
        if (this.#held.has(entry.id)) continue; // ours, in hand already
        // More deliveries than allowed means no handler ever finished it: the process died or hung on it.
        if (entry.deliveries > maxDeliveries) {
          const reason = `not acknowledged after ${entry.deliveries - 1} deliveries (the consumer died or hung while handling it)`;
          await this.#deadLetter(entry, reason);
          this.#count("dead_lettered");
        } else fresh.push(entry);
      }
      await this.#handleBatch(fresh);
    }
  }

  async #handleBatch(entries: RawEntry[]): Promise<void> {
    const acked: string[] = [];
    let next = 0;
    for (const e of entries) this.#held.add(e.id);
    const worker = async () => {
      while (next < entries.length) {
        const entry = entries[next++] as RawEntry;
        const outcome = await this.#handleOne(entry);
        if (outcome === "acked") acked.push(entry.id);
        else this.#held.delete(entry.id); // dead-lettered (acked there) or left pending to be retried
        this.#count(outcome);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, entries.length) }, worker));
      if (acked.length > 0) await this.#o.redis.xack(this.stream, this.#o.group, ...acked);
    } finally {
      for (const e of entries) this.#held.delete(e.id);
    }
  }

  async #handleOne(entry: RawEntry): Promise<Outcome> {
    const decoded = decodeEvent(this.#o.contract, entry.fields);
    if (!decoded.ok) {
      await this.#deadLetter(entry, decoded.reason);
      return "dead_lettered";
    }
    const stopTimer = this.#o.metrics?.handlerSeconds.startTimer({
      stream: this.stream,
      group: this.#o.group,
    });
    try {
      await this.#o.handler(decoded.event, {
        id: entry.id,
        stream: this.stream,
        deliveries: entry.deliveries,
        version: decoded.version,
      });
      return "acked";
    } catch (err) {
      const why = describeError(err);
      if (err instanceof NonRetryableError) {
        await this.#deadLetter(entry, why);
        return "dead_lettered";
      }
      if (entry.deliveries >= this.#o.maxDeliveries) {
        await this.#deadLetter(entry, `failed ${entry.deliveries} deliveries; last error: ${why}`);
        return "dead_lettered";
      }
      this.#log.warn({ id: entry.id, deliveries: entry.deliveries, err: why }, "handler failed; will retry");
      return "retried";
    } finally {
      stopTimer?.();
    }
  }

  async #deadLetter(entry: RawEntry, reason: string): Promise<void> {
    const { redis, group, consumer, deadLetterMaxLen } = this.#o;
    await deadLetter(redis, { ...entry, stream: this.stream, group, consumer, reason }, deadLetterMaxLen);
    this.#log.warn({ id: entry.id, deliveries: entry.deliveries, reason }, "entry dead-lettered");
  }

  #count(outcome: Outcome): void {
    this.#o.metrics?.consumed.inc({ stream: this.stream, group: this.#o.group, outcome });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
