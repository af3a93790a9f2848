import { decodeEvent, type EventOf, type StreamContract } from "@lumina/events";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { deadLetter } from "./dead-letter.ts";
import { describeError, NonRetryableError } from "@lumina/errors";
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
  /** Entries this consumer holds at most, read ahead and being handled (default 32). */
  batchSize?: number;
  /**
   * Handlers running at once (default 1: entries handled in stream order). A finished handler's slot
   * is taken by the next entry at once; a slow entry never holds the others back.
   */
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
  /** Entries this consumer holds (being handled, or read and waiting): kept fresh, never reclaimed. */
  readonly #held = new Set<string>();
  /** Entries read and not yet handed to a handler, in stream order (`done`: told once it is settled). */
  readonly #waiting: { entry: RawEntry; done?: () => void }[] = [];
  #running = 0;
  /** Set by stop(): called once no entry is held any more. */
  #drained: (() => void) | undefined;
  /** Wakes the read loop when it waits for room (more than half the entries it may hold are in hand). */
  #roomFreed: (() => void) | undefined;
  /** Ids of handled entries waiting to be acknowledged together (one XACK for all that finish in a tick). */
  readonly #toAck: string[] = [];
  #acking: Promise<unknown> | undefined;
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

  /** Stops reading, lets the handlers finish the entries read already, then closes the blocking connection. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#reclaimTimer);
    this.#roomFreed?.();
    await Promise.all([this.#readLoop, this.#reclaiming]);
    if (this.#held.size > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
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

  /**
   * Reads entries ahead of the handlers: whenever at most half of `batchSize` are in hand, as many as
   * fill it again (so reads stay batched even when handlers finish one at a time).
   */
  async #runReadLoop(blocking: Redis): Promise<void> {
    const { group, consumer, batchSize, blockMs } = this.#o;
    while (!this.#stopping) {
      if (this.#held.size > Math.floor(batchSize / 2)) {
        await new Promise<void>((resolve) => {
          this.#roomFreed = resolve;
        });
        continue;
      }
      const room = batchSize - this.#held.size;
      try {
        const reply = (await blocking.xreadgroup(
          "GROUP",
          group,
          consumer,
          "COUNT",
          room,
          "BLOCK",
          blockMs,
          "STREAMS",
          this.stream,
          ">",
        )) as [string, [string, string[]][]][] | null;
        for (const [id, flat] of reply?.[0]?.[1] ?? []) {
          this.#take({ id, fields: toFields(flat), deliveries: 1 });
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
      // Handled beside fresh entries; the next claim waits until these are settled.
      await new Promise<void>((resolve) => {
        let left = fresh.length;
        if (left === 0) resolve();
        for (const entry of fresh) this.#take(entry, () => --left === 0 && resolve());
      });
    }
  }

  /** Holds an entry until a handler has run it and it is acked, dead-lettered or left pending. */
  #take(entry: RawEntry, done?: () => void): void {
    this.#held.add(entry.id);
    this.#waiting.push({ entry, done });
    this.#startHandlers();
  }

  #startHandlers(): void {
    while (this.#running < this.#o.concurrency && this.#waiting.length > 0) {
      const { entry, done } = this.#waiting.shift() as { entry: RawEntry; done?: () => void };
      this.#running++;
      void this.#settle(entry, done);
    }
  }

  /**
   * Runs the handler, gives its slot to the next entry, then acks the entry (with the others that
   * finished in the same tick). An entry whose outcome cannot be recorded stays pending.
   */
  async #settle(entry: RawEntry, done?: () => void): Promise<void> {
    try {
      let outcome: Outcome | undefined;
      try {
        outcome = await this.#handleOne(entry);
      } catch (err) {
        // Redis failed under us while dead-lettering: the entry is redelivered once reclaimed.
        this.#log.error({ id: entry.id, err }, "could not dead-letter an entry; it stays pending");
      } finally {
        this.#running--;
        this.#startHandlers();
      }
      if (outcome) this.#count(outcome); // as the handler finished (an ack that fails is redelivered)
      if (outcome === "acked") await this.#ack(entry.id);
    } catch (err) {
      this.#log.error({ id: entry.id, err }, "could not acknowledge an entry; it stays pending");
    } finally {
      this.#held.delete(entry.id);
      done?.();
      if (this.#held.size === 0) this.#drained?.();
      this.#roomFreed?.();
      this.#roomFreed = undefined;
    }
  }

  #ack(id: string): Promise<unknown> {
    this.#toAck.push(id);
    this.#acking ??= new Promise((r) => setImmediate(r)).then(() => {
      this.#acking = undefined;
      const ids = this.#toAck.splice(0);
      return this.#o.redis.xack(this.stream, this.#o.group, ...ids);
    });
    return this.#acking;
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
