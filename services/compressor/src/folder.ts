import type { StreamPublisher } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { COLLECTIONS, PadCompressed, PADS } from "@lumina/events";
import { KeyedLock } from "@lumina/runtime";
import type { CollectionUpkeep, VectorStore } from "@lumina/vectors";
import type { Redis } from "ioredis";
import type { Counter, Histogram } from "prom-client";
import { memoryText, mergeNotes, padComplete, padNotes } from "./domain/memory-text.ts";

export const SCRATCH_MEM = COLLECTIONS.scratchMem;
export const memoryIdFor = (padId: string): string => `mem-${padId}`;

export interface FolderDeps {
  redis: Redis;
  store: VectorStore;
  /** The compressor owns scratch_mem: every write goes through its upkeep. */
  upkeep: CollectionUpkeep;
  embedder: Embedder;
  publisher: StreamPublisher;
  metrics: { compressed: Counter; seconds: Histogram };
}

/** A note that arrived on think:note, folded in even when its pad is gone (expired or folded early). */
export interface LateNote {
  title: string;
  round: number;
  rounds: number;
  note: string;
}

/**
 * Folds pads into `scratch_mem`: the pad's notes (and a note from an event) merged with what memory
 * already holds for the pad, embedded, upserted under a deterministic id, then the pad deleted and
 * `pad:compressed` published. Nothing is lost to the TTL: the pad is deleted only after the upsert,
 * and a note whose pad is gone still arrives through its event. One fold per pad at a time.
 */
export class PadFolder {
  readonly #locks = new KeyedLock();

  constructor(private readonly deps: FolderDeps) {}

  /** Folds when the pad is complete, or gone (then the event's note is merged into memory). */
  async onNote(padId: string, late: LateNote): Promise<void> {
    await this.#locks.run(padId, async () => {
      const fields = await this.deps.redis.hgetall(PADS.pad(padId));
      const open = Object.keys(fields).length > 0;
      if (open && !padComplete(Number(fields.rounds ?? late.rounds), padNotes(fields))) return;
      await this.#fold(padId, fields, late);
    });
  }

  /** Folds a pad whatever it holds (its deadline is near). */
  async foldNow(padId: string): Promise<void> {
    await this.#locks.run(padId, async () => {
      await this.#fold(padId, await this.deps.redis.hgetall(PADS.pad(padId)));
    });
  }

  async #fold(padId: string, fields: Record<string, string>, late?: LateNote): Promise<void> {
    const { redis, store, embedder, publisher, metrics } = this.deps;
    const stop = metrics.seconds.startTimer();
    const fresh = padNotes(fields);
    if (late && !fresh.has(late.round)) fresh.set(late.round, late.note);
    const title = fields.title ?? late?.title;
    if (fresh.size === 0 || title === undefined) {
      await redis.zrem(PADS.deadlines, padId); // expired with nothing in it; its notes come as events
      return;
    }
    const memoryId = memoryIdFor(padId);
    const [held] = await store.get(SCRATCH_MEM, [memoryId]);
    const notes = mergeNotes(
      JSON.parse(String(held?.payload.notes ?? "{}")) as Record<string, string>,
      fresh,
    );
    const text = memoryText(title, notes);
    const [vector] = await embedder.embed([text]);
    await this.deps.upkeep.write(() =>
      store.upsert(SCRATCH_MEM, [
        {
          id: memoryId,
          vector: vector ?? [],
          text,
          payload: {
            pad_id: padId,
            title,
            notes: JSON.stringify(Object.fromEntries(notes)),
            rounds: Number(fields.rounds ?? late?.rounds ?? notes.size),
            ts: Date.now(),
          },
        },
      ]),
    );
    const done = await redis
      .multi()
      .del(PADS.pad(padId))
      .zrem(PADS.deadlines, padId)
      .sadd(PADS.compressed, padId)
      .exec();
    await publisher.publish(PadCompressed, {
      pad_id: padId,
      title,
      notes: notes.size,
      memory_id: memoryId,
      ts: new Date().toISOString(),
    });
    if (done?.[2]?.[1] === 1) metrics.compressed.inc(); // once per pad, however many late notes follow
    stop();
  }
}
