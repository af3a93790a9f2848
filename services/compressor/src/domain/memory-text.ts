/** Notes by round, merged: `fresh` (from the pad or an event) wins over what memory held. */
export function mergeNotes(held: Record<string, string>, fresh: Map<number, string>): Map<number, string> {
  const merged = new Map<number, string>();
  for (const [round, note] of Object.entries(held)) if (/^\d+$/.test(round)) merged.set(Number(round), note);
  for (const [round, note] of fresh) merged.set(round, note);
  return new Map([...merged].sort((a, b) => a[0] - b[0]));
}

/** The text stored and embedded for a folded pad: the title, then each round's note in order. */
export const memoryText = (title: string, notes: Map<number, string>): string =>
  [`Reflections on ${title}:`, ...notes.values()].join("\n");

/** Whether the pad holds a note for every round 1…rounds. */
export const padComplete = (rounds: number, notes: Map<number, string>): boolean =>
  rounds > 0 && Array.from({ length: rounds }, (_, i) => i + 1).every((r) => notes.has(r));

/** Notes of a pad hash: fields `note:<round>`. */
export function padNotes(fields: Record<string, string>): Map<number, string> {
  const notes = new Map<number, string>();
  for (const [k, v] of Object.entries(fields)) {
    const m = /^note:(\d+)$/.exec(k);
    if (m) notes.set(Number(m[1]), v);
  }
  return notes;
}
