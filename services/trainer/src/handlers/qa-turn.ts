import type { EventOf, QaTurn } from "@lumina/events";
import type { Counter } from "prom-client";
import { isTrainable } from "../domain/samples.ts";
import type { SamplePool } from "../sample-pool.ts";

export interface QaTurnDeps {
  pool: SamplePool;
  samples: Counter;
  minConf: number;
  maxAgeDays: number;
  /** Called after a new sample, to start a run when the batch is full (not awaited by the handler). */
  onSample: () => void;
}

/** qa:turn → a sample in the pool when under TRAIN_MIN_CONF and younger than TRAIN_MAX_AGE. Idempotent by turn id. */
export async function handleQaTurn(turn: EventOf<typeof QaTurn>, deps: QaTurnDeps): Promise<void> {
  const sample = {
    turn_id: turn.turn_id,
    session: turn.session,
    query: turn.query,
    answer: turn.answer,
    confidence: turn.confidence,
    cite_ids: turn.cite_ids,
    ts: Date.parse(turn.ts),
  };
  if (!isTrainable(sample, deps.minConf, deps.maxAgeDays, Date.now())) return;
  if (await deps.pool.add(sample)) deps.samples.inc();
  deps.onSample();
}
