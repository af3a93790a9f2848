import type { StreamPublisher } from "@lumina/bus";
import { type EventOf, type GraphAdd, ThinkNote } from "@lumina/events";
import { yieldToChat } from "@lumina/runtime";
import type { Redis } from "ioredis";
import type { Counter } from "prom-client";
import type { ReflectionContext } from "../domain/reflection.ts";
import { graphNeighbours } from "../neighbours.ts";
import type { NoteWriter } from "../note-writer.ts";
import type { Scratchpads } from "../scratchpad.ts";

export interface GraphAddDeps {
  redis: Redis;
  pads: Scratchpads;
  writer: NoteWriter;
  publisher: StreamPublisher;
  rounds: number;
  neighbours: number;
  /** wait at most this long before each note while people are chatting */
  yieldMs: number;
  metrics: { notes: Counter<"writer">; padsCreated: Counter };
  now?: () => number;
}

/** One pad per article revision: a new revision is new material to reflect on. */
export const padIdFor = (a: { page_id: number; revision: number }): string => `${a.page_id}-${a.revision}`;

/**
 * graph:add → a scratchpad with THINK_ROUNDS notes, each published as think:note. Redelivery resumes
 * where a crash stopped: notes already in the pad are not written again, only published if they were
 * not; a pad the compressor folded already is left alone.
 */
export async function handleGraphAdd(article: EventOf<typeof GraphAdd>, deps: GraphAddDeps): Promise<void> {
  const { pads, rounds } = deps;
  const padId = padIdFor(article);
  const opened = await pads.open({ padId, title: article.title, rounds }, (deps.now ?? Date.now)());
  if (opened === "compressed") return;
  if (opened === "created") deps.metrics.padsCreated.inc();
  const ctx: ReflectionContext = {
    title: article.title,
    summary: article.summary,
    sections: article.sections,
    infobox: article.infobox ?? {},
    ...(await graphNeighbours(deps.redis, article.title, article.links, deps.neighbours)),
  };
  const written = await pads.notes(padId);
  const previous: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    let entry = written.get(round);
    if (!entry) {
      if (deps.yieldMs > 0) await yieldToChat(deps.redis, deps.yieldMs);
      const { note, writer } = await deps.writer.write(round, ctx, previous);
      await pads.writeNote(padId, round, note);
      deps.metrics.notes.inc({ writer });
      entry = { note, published: false };
    }
    if (!entry.published) {
      await deps.publisher.publish(ThinkNote, {
        pad_id: padId,
        title: article.title,
        round,
        rounds,
        note: entry.note.slice(0, 20_000),
        ts: new Date((deps.now ?? Date.now)()).toISOString(),
      });
      await pads.markPublished(padId, round);
    }
    previous.push(entry.note);
  }
}
