import { type Static, Type } from "@sinclair/typebox";

/*
 * The personality file (personas/NAME.json, docs/persona.md): who the persona is, how its tone
 * follows the relationship (affinity levels) and the session's mood, how affinity moves, and how it
 * words answers without a model. Every value the prompt shows comes from here.
 */

const Line = (maxLength = 500, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

/** What a level or a mood changes: compiled into the system prompt. */
export const Modifiers = Type.Object(
  {
    tone: Type.Optional(Line(300, "how it sounds: warm, formal, playful…")),
    style: Type.Optional(Line(300, "how it writes: short sentences, questions back…")),
    behaviour: Type.Optional(Type.Array(Line(300), { maxItems: 20, description: "what it does" })),
    instructions: Type.Optional(Line(2000, "free text added as it is")),
  },
  { additionalProperties: false },
);
export type Modifiers = Static<typeof Modifiers>;

export const EMOTION_NAMES = ["joy", "sadness", "anger", "fear", "surprise", "love", "neutral"] as const;
const EmotionName = Type.Union(EMOTION_NAMES.map((e) => Type.Literal(e)));
const Points = Type.Number({ minimum: 0, maximum: 100 });
const Step = Type.Number({ minimum: -50, maximum: 50 });

export const RelationshipLevel = Type.Object(
  {
    name: Line(64),
    affinity_range: Type.Tuple([Points, Points], { description: "[lowest, highest] points, inclusive" }),
    modifiers: Modifiers,
  },
  { additionalProperties: false },
);
export type RelationshipLevel = Static<typeof RelationshipLevel>;

export const Mood = Type.Object(
  {
    emotions: Type.Array(EmotionName, { description: "the user's emotions that set this mood" }),
    modifiers: Modifiers,
  },
  { additionalProperties: false },
);
export type Mood = Static<typeof Mood>;

/** The answerer's words without a model; {persona}, {description} and {user} are filled in. */
export const FallbackPhrases = Type.Object(
  {
    self: Line(500, "answer to 'what is your name?' / 'who are you?'"),
    user_known: Line(300, "added when the user's name is known"),
    quoting: Line(300, "before a quoted passage"),
    quoting_user: Line(300, "before a quoted passage, the user's name known"),
  },
  { additionalProperties: false },
);
export type FallbackPhrases = Static<typeof FallbackPhrases>;

export const PersonaFile = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    format: Type.Literal("lumina.persona.v1"),
    persona: Type.Object(
      {
        name: Line(64),
        description: Line(1000),
        voice: Type.Optional(Line(300)),
        language: Type.Optional(Type.Union([Type.Literal("en"), Type.Literal("es")])),
      },
      { additionalProperties: false },
    ),
    core_traits: Type.Optional(Type.Array(Line(100), { maxItems: 20 })),
    hierarchical_config: Type.Object(
      {
        enabled: Type.Boolean({ description: "false: one tone whatever the affinity and mood" }),
        relationship_levels: Type.Array(RelationshipLevel, { minItems: 1, maxItems: 20 }),
        moods: Type.Record(Type.String({ pattern: "^[a-z_]{1,32}$" }), Mood),
        default_mood: Line(32),
      },
      { additionalProperties: false },
    ),
    affinity: Type.Object(
      {
        initial: Points,
        per_sentiment: Type.Object(
          {
            very_negative: Step,
            negative: Step,
            neutral: Step,
            positive: Step,
            very_positive: Step,
          },
          { additionalProperties: false, description: "points a message of each sentiment adds" },
        ),
      },
      { additionalProperties: false },
    ),
    emotional_context: Type.Object(
      {
        min_confidence: Type.Number({ minimum: 0, maximum: 1 }),
        guidance: Type.Partial(Type.Object(Object.fromEntries(EMOTION_NAMES.map((e) => [e, Line(500)])))),
        past_moments: Type.Integer({ minimum: 0, maximum: 5 }),
      },
      { additionalProperties: false },
    ),
    fallback: Type.Object({ en: FallbackPhrases, es: FallbackPhrases }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type PersonaFile = Static<typeof PersonaFile>;
