import type { EventOf, ThinkNote } from "@lumina/events";
import type { PadFolder } from "../folder.ts";

/** think:note → the pad folded once every round is in it; a note whose pad is gone folded in alone. */
export async function handleThinkNote(note: EventOf<typeof ThinkNote>, folder: PadFolder): Promise<void> {
  await folder.onNote(note.pad_id, {
    title: note.title,
    round: note.round,
    rounds: note.rounds,
    note: note.note,
  });
}
