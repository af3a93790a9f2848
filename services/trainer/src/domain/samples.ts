/** A chat turn kept for training. */
export interface Sample {
  turn_id: string;
  session: string;
  query: string;
  answer: string;
  confidence: number;
  cite_ids: string[];
  /** ms since the epoch */
  ts: number;
}

/** Under TRAIN_MIN_CONF and younger than TRAIN_MAX_AGE days. */
export const isTrainable = (
  s: Pick<Sample, "confidence" | "ts">,
  minConf: number,
  maxAgeDays: number,
  now: number,
) => s.confidence < minConf && now - s.ts < maxAgeDays * 86_400_000;

export const DATASET_SYSTEM =
  "You are Lumina, a knowledge assistant. Answer from what you have read; say so when you do not know.";

/**
 * One JSONL line in the chat format LoRA trainers read (`{"messages": [...]}`), with the turn's
 * identity, confidence and citations under `lumina` for trainers that weight or filter samples.
 */
export const datasetLine = (s: Sample): string =>
  JSON.stringify({
    messages: [
      { role: "system", content: DATASET_SYSTEM },
      { role: "user", content: s.query },
      { role: "assistant", content: s.answer },
    ],
    lumina: {
      turn_id: s.turn_id,
      confidence: s.confidence,
      cite_ids: s.cite_ids,
      ts: new Date(s.ts).toISOString(),
    },
  });

/** The next adapter version: one past the highest `v<N>` among the adapter and dataset file names. */
export function nextVersion(fileNames: string[]): number {
  let max = 0;
  for (const f of fileNames) {
    const m = /(?:^|-)v(\d+)\.(?:gguf|jsonl)$/.exec(f);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/** `s` as one single-quoted sh word. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** TRAIN_CMD with `{name}` placeholders replaced by shell-quoted values; unknown names are left alone. */
export const fillCommand = (cmd: string, vars: Record<string, string>): string =>
  cmd.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? shellQuote(vars[name] as string) : whole,
  );
