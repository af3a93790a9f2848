import { appendDeadLetter, FanoutReader, toFields } from "@lumina/bus";
import { AdapterUpdated, decodeEvent, type EventOf } from "@lumina/events";
import type { Llm } from "@lumina/llm";
import type { Logger } from "@lumina/observability";
import type { Redis } from "ioredis";
import type { Counter, Gauge } from "prom-client";
import { messageOf } from "@lumina/errors";

export interface AdapterStatus {
  version: number;
  path?: string;
  /** The latest announced adapter that could not be applied, and why; the previous one stays in use. */
  failed?: { version: number; reason: string };
}

/**
 * Follows adapter:updated and hot-swaps the model's LoRA adapter. Every rag-worker replica must swap,
 * so it reads the stream without a consumer group (each replica sees every entry); at start it also
 * applies the newest adapter already announced. Versions only go up: an older or equal one is ignored.
 * A malformed entry is dead-lettered once (whichever replica sees it first).
 */
export class AdapterWatcher {
  #status: AdapterStatus = { version: 0 };
  #applying: Promise<void> = Promise.resolve();
  readonly #reader: FanoutReader;

  constructor(
    private readonly deps: {
      redis: Redis;
      llm: Llm | undefined;
      logger: Logger;
      metrics: { version: Gauge<"service">; swaps: Counter<"result"> };
    },
  ) {
    this.#reader = new FanoutReader({
      redis: deps.redis,
      streams: [AdapterUpdated.name],
      logger: deps.logger,
      onEntries: (entries) => {
        for (const e of entries) this.#enqueue(e.id, e.fields);
      },
    });
    deps.metrics.version.set({ service: "rag-worker" }, 0);
  }

  get status(): AdapterStatus {
    return this.#status;
  }

  async start(): Promise<void> {
    await this.#reader.start();
    const [newest] = (await this.deps.redis.xrevrange(AdapterUpdated.name, "+", "-", "COUNT", 1)) as [
      string,
      string[],
    ][];
    if (newest) this.#enqueue(newest[0], toFields(newest[1]));
    await this.#applying;
  }

  async stop(): Promise<void> {
    await this.#reader.stop();
    await this.#applying;
  }

  /** Resolves once every adapter announced so far has been applied or refused. */
  settled(): Promise<void> {
    return this.#applying;
  }

  #enqueue(id: string, fields: Record<string, string>): void {
    this.#applying = this.#applying.then(() =>
      this.#apply(id, fields).catch((err) => this.deps.logger.error({ err }, "adapter swap failed")),
    );
  }

  async #apply(id: string, fields: Record<string, string>): Promise<void> {
    const { llm, logger, metrics, redis } = this.deps;
    const decoded = decodeEvent(AdapterUpdated, fields);
    if (!decoded.ok) {
      if ((await redis.sadd("adapter:updated:rejected", id)) === 1)
        await appendDeadLetter(redis, AdapterUpdated.name, fields, {
          reason: decoded.reason,
          deliveries: 1,
          source: AdapterUpdated.name,
          sourceId: id,
        });
      return;
    }
    const adapter: EventOf<typeof AdapterUpdated> = decoded.event;
    if (adapter.version <= this.#status.version) return;
    if (!llm?.useAdapter) {
      const reason = llm
        ? `the ${llm.kind} backend cannot apply LoRA adapters`
        : "no language model is loaded (extractive answers)";
      logger.warn({ version: adapter.version }, `adapter announced but not used: ${reason}`);
      this.#status = { ...this.#status, failed: { version: adapter.version, reason } };
      metrics.swaps.inc({ result: "unsupported" });
      return;
    }
    try {
      await llm.useAdapter({ version: adapter.version, path: adapter.path });
      this.#status = { version: adapter.version, path: adapter.path };
      metrics.version.set({ service: "rag-worker" }, adapter.version);
      metrics.swaps.inc({ result: "ok" });
      logger.info({ version: adapter.version, path: adapter.path }, "LoRA adapter swapped in");
    } catch (err) {
      const reason = messageOf(err);
      this.#status = { ...this.#status, failed: { version: adapter.version, reason } };
      metrics.swaps.inc({ result: "failed" });
      logger.error(
        { version: adapter.version, reason },
        "LoRA adapter could not be loaded; keeping the one in use",
      );
    }
  }
}
