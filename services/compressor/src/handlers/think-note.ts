import type { EventOf, ThinkNote } from "@lumina/events";
import { yieldToChat } from "@lumina/runtime";
import type { Redis } from "ioredis";
import type { PadFolder } from "../folder.ts";

/**
 * think:note → the pad folded once every round is in it; a note whose pad is gone folded in alone.
 * Waits first (at most `yieldMs`) while people are chatting: folding embeds and writes, chat goes first.
 * Pads near their deadline are folded by the sweep, which never waits.
 */
export async function handleThinkNote(
  note: EventOf<typeof ThinkNote>,
  deps: { folder: PadFolder; redis: Redis; yieldMs: number },
): Promise<void> {
  if (deps.yieldMs > 0 && note.round >= note.rounds) await yieldToChat(deps.redis, deps.yieldMs);
  await deps.folder.onNote(note.pad_id, {
    title: note.title,
    round: note.round,
    rounds: note.rounds,
    note: note.note,
  });
}
