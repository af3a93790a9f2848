export {
  affinityDelta,
  type CompiledPersona,
  compilePersona,
  emotionalContext,
  fallbackPhrase,
  levelOf,
  moodFor,
  type PastMoment,
  type PersonaState,
  type Sentiment,
} from "./compile.ts";
export { PersonaConfig } from "./config.ts";
export { asksWhoYouAre } from "./questions.ts";
export { BUILT_IN_PERSONA, DEFAULT_PERSONA, PersonaLibrary } from "./library.ts";
export { loadPersonaDir, loadPersonaFile, PERSONA_KEY, PersonaError, parsePersona } from "./load.ts";
export { EMOTION_NAMES, Modifiers, Mood, PersonaFile, RelationshipLevel } from "./schema.ts";
