import type { EventOf, GapRequest } from "@lumina/events";
import { crawlNow } from "../domain/decide.ts";
import type { GapStore } from "../gap-store.ts";
import type { Planner } from "../planner.ts";

export interface GapDeps {
  store: GapStore;
  planner: Pick<Planner, "sendNow">;
  now?: () => number;
}

/**
 * gap:req → the topic scored in `gaps:topics` (scores add up across requests, the latest time kept for
 * recency); a question Lumina could not answer, or a manual request, is crawled at once within the
 * budget. Redelivery only refreshes the topic: a sent topic is not sent again before GAP_RETRY_S.
 */
export async function handleGap(gap: EventOf<typeof GapRequest>, deps: GapDeps): Promise<void> {
  const { settled } = await deps.store.record(gap, (deps.now ?? Date.now)());
  const decision = { reason: gap.reason, settled };
  if (crawlNow(decision)) await deps.planner.sendNow(gap.topic, decision.reason);
}
