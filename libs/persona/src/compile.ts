import type { FallbackPhrases, Modifiers, PersonaFile, RelationshipLevel } from "./schema.ts";

/*
 * A persona compiled for one turn: the level the user's affinity falls in, the session's mood, and
 * the system prompt they make. The words come from the persona file; the code only lays them out.
 */

export type Sentiment = keyof PersonaFile["affinity"]["per_sentiment"];

export interface PersonaState {
  /** The user's affinity with this persona (0–100); the file's `affinity.initial` when unknown. */
  points?: number;
  /** The session's mood (a key of `moods`); the default mood when unknown or not one of them. */
  mood?: string;
  /** 0–1, how strong the mood is. */
  intensity?: number;
}

export interface CompiledPersona {
  name: string;
  level: string;
  mood: string;
  points: number;
  /** The persona part of the system prompt: never cut to fit a budget. */
  prompt: string;
}

/** The level whose range holds `points` (the highest one starting at or below them). */
export function levelOf(p: PersonaFile, points: number): RelationshipLevel {
  const levels = p.hierarchical_config.relationship_levels;
  let found = levels[0] as RelationshipLevel;
  for (const level of levels) if (level.affinity_range[0] <= points) found = level;
  return found;
}

/** The points a message of this sentiment adds to the affinity. */
export const affinityDelta = (p: PersonaFile, sentiment: Sentiment): number =>
  p.affinity.per_sentiment[sentiment];

/** The mood an emotion sets when it is strong enough; otherwise the default mood. */
export function moodFor(
  p: PersonaFile,
  emotion: string,
  confidence: number,
): { mood: string; intensity: number } {
  const { moods, default_mood } = p.hierarchical_config;
  if (confidence >= p.emotional_context.min_confidence)
    for (const [name, mood] of Object.entries(moods))
      if ((mood.emotions as string[]).includes(emotion)) return { mood: name, intensity: confidence };
  return { mood: default_mood, intensity: 0 };
}

const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

/** A level's or a mood's modifiers as lines of the prompt. */
function modifierLines(m: Modifiers): string[] {
  return [
    ...(m.tone ? [`- Tone: ${sentence(m.tone)}`] : []),
    ...(m.style ? [`- Style: ${sentence(m.style)}`] : []),
    ...(m.behaviour ?? []).map((b) => `- ${sentence(b)}`),
    ...(m.instructions ? [`- ${sentence(m.instructions)}`] : []),
  ];
}

/** The persona for this affinity and mood, as the system prompt's first part. */
export function compilePersona(p: PersonaFile, state: PersonaState = {}): CompiledPersona {
  const points = state.points ?? p.affinity.initial;
  const { moods, default_mood, enabled } = p.hierarchical_config;
  const mood = state.mood !== undefined && Object.hasOwn(moods, state.mood) ? state.mood : default_mood;
  const level = levelOf(p, points);
  const lines = [`You are ${p.persona.name}: ${sentence(p.persona.description)}`];
  if (p.persona.voice) lines.push(`Your voice: ${sentence(p.persona.voice)}`);
  if (p.core_traits?.length) lines.push(`Your traits: ${p.core_traits.join(", ")}.`);
  if (enabled) {
    lines.push(`Your relationship with this user: ${level.name} (affinity ${Math.round(points)} of 100).`);
    lines.push(...modifierLines(level.modifiers));
    const strength = state.intensity ? ` (intensity ${Math.round(state.intensity * 100)} %)` : "";
    lines.push(`Your mood in this conversation: ${mood}${strength}.`);
    lines.push(...modifierLines((moods[mood] ?? moods[default_mood])?.modifiers ?? {}));
  }
  return { name: p.persona.name, level: level.name, mood, points, prompt: lines.join("\n") };
}

/** A past moment the emotional context recalls. */
export interface PastMoment {
  date: string;
  summary: string;
}

/**
 * The emotional-context block: present when the message's emotion is strong enough for this persona
 * ("The user seems to feel sadness (85 %): respond with empathy… Relevant past emotional moments: …").
 */
export function emotionalContext(
  p: PersonaFile,
  reading: { emotion: string; confidence: number },
  moments: PastMoment[],
): string | undefined {
  const ec = p.emotional_context;
  if (reading.emotion === "neutral" || reading.confidence < ec.min_confidence) return undefined;
  const guidance = ec.guidance[reading.emotion as keyof typeof ec.guidance];
  const lines = [
    `Emotional context: the user seems to feel ${reading.emotion} (${Math.round(reading.confidence * 100)} %)${guidance ? ` — ${sentence(guidance)}` : "."}`,
  ];
  const recalled = moments.slice(0, ec.past_moments);
  if (recalled.length > 0) {
    lines.push("Relevant past emotional moments:");
    for (const m of recalled) lines.push(`- ${m.date}: ${m.summary.replace(/\s+/g, " ").slice(0, 300)}`);
  }
  return lines.join("\n");
}

/** A fallback phrase in the language, its {persona}, {description} and {user} filled in. */
export function fallbackPhrase(
  p: PersonaFile,
  language: "en" | "es",
  kind: keyof FallbackPhrases,
  user?: string,
): string {
  return p.fallback[language][kind]
    .replaceAll("{persona}", p.persona.name)
    .replaceAll("{description}", p.persona.description.replace(/[.\s]+$/, ""))
    .replaceAll("{user}", user ?? "");
}
