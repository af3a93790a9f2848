import type { StreamPublisher } from "@lumina/bus";
import { AffinityLevel, type ChatTurn, type EventOf } from "@lumina/events";
import { detectEmotion, detectLanguage, type MemoryStore, sentimentOf } from "@lumina/memory";
import { affinityDelta, levelOf, moodFor, type PersonaLibrary, type Sentiment } from "@lumina/persona";
import type { Counter } from "prom-client";

/**
 * What a chat turn does to the relationship: the user's message moves their affinity with the persona
 * that answered by the points its sentiment is worth in that persona's file, and its emotion sets the
 * session's mood. Counted once per turn (a redelivered turn moves nothing); a level crossed is
 * published on affinity:level.
 */
export class Relationships {
  constructor(
    private readonly deps: {
      store: MemoryStore;
      personas: PersonaLibrary;
      publisher: StreamPublisher;
      levelChanges: Counter<"persona" | "direction">;
    },
  ) {}

  async onTurn(turn: EventOf<typeof ChatTurn>): Promise<void> {
    const { store, personas } = this.deps;
    // A turn for a persona this process does not know (removed since) counts for the default one.
    const key = turn.persona && personas.has(turn.persona) ? turn.persona : personas.defaultKey;
    const { persona } = personas.get(key);
    const ts = Date.parse(turn.ts);
    const language = detectLanguage(turn.query);
    const sentiment = sentimentOf(turn.query, language).label as Sentiment;
    const result = await store.recordInteraction(
      {
        user_id: turn.user,
        personality_name: key,
        message_id: `${turn.turn_id}:q`,
        delta: affinityDelta(persona, sentiment),
        polarity: sentiment.endsWith("positive") ? 1 : sentiment.endsWith("negative") ? -1 : 0,
        ts,
      },
      (points) => levelOf(persona, points).name,
      persona.affinity.initial,
    );
    const reading = detectEmotion(turn.query, language);
    const { mood, intensity } = moodFor(persona, reading.emotion, reading.confidence);
    await store.setMood({ user_id: turn.user, session_id: turn.session, mood, intensity, ts });
    if (result.previous_level === result.level) return;
    await this.deps.publisher.publish(AffinityLevel, {
      user: turn.user,
      persona: key,
      from_level: result.previous_level,
      to_level: result.level,
      points: result.affinity.affinity_points,
      turn_id: turn.turn_id,
      ts: turn.ts,
    });
    if (result.applied) {
      const rank = (name: string) =>
        persona.hierarchical_config.relationship_levels.findIndex((l) => l.name === name);
      const direction = rank(result.level) > rank(result.previous_level) ? "up" : "down";
      this.deps.levelChanges.inc({ persona: key, direction });
    }
  }
}
