import type { EventOf } from "@lumina/events";
import type { ChatTurn } from "@lumina/events";
import type { Relationships } from "../relationship.ts";
import type { Rememberer } from "../remember.ts";

/**
 * chat:turn → the question remembered as the user's message (facts and episodes drawn from it) and
 * the answer as the assistant's. Ids come from the turn (`<turn_id>:q`, `<turn_id>:a`), so a turn
 * delivered again — after a crash mid-way — writes nothing twice; the relationship with the persona
 * moves once per turn.
 */
export async function handleChatTurn(
  turn: EventOf<typeof ChatTurn>,
  rememberer: Rememberer,
  relationships: Relationships,
): Promise<void> {
  const base = {
    user: turn.user,
    session: turn.session,
    agent: "lumina",
    ts: Date.parse(turn.ts),
    metadata: {},
  };
  await rememberer.remember({
    ...base,
    id: `${turn.turn_id}:q`,
    role: "user",
    content: turn.query,
    infer: true,
  });
  await rememberer.remember({
    ...base,
    id: `${turn.turn_id}:a`,
    role: "assistant",
    content: turn.answer,
    infer: false,
    metadata: { confidence: turn.confidence },
  });
  await relationships.onTurn(turn);
}
