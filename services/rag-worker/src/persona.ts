import { detectEmotion, type EmotionReading, type Language, detectLanguage } from "@lumina/memory";
import {
  asksWhoYouAre,
  type CompiledPersona,
  compilePersona,
  emotionalContext,
  fallbackPhrase,
  moodFor,
  type PersonaFile,
  type PersonaLibrary,
} from "@lumina/persona";
import type { UserFacts } from "./user-facts.ts";

/** The persona of one turn: compiled for the user's affinity and the mood, and the feeling read now. */
export interface TurnPersona {
  key: string;
  file: PersonaFile;
  compiled: CompiledPersona;
  emotion: EmotionReading;
  /** The emotional-context block for a model's prompt (a strong feeling only). */
  emotionBlock: string | undefined;
  language: Language;
  /** The user's name, when they told Lumina. */
  userName: string | undefined;
}

/** `lumina:sakura` → `sakura`; any other model name names no persona. */
export const personaOfModel = (model: string | undefined): string | undefined =>
  /^lumina:([a-z0-9][a-z0-9_-]{0,63})$/.exec(model ?? "")?.[1];

/**
 * Chooses and compiles the persona of a turn: the one the request names (or the default), at the
 * user's affinity with it; the mood is the one this message's feeling sets when it is strong, else
 * the session's (set by the memory service from earlier messages).
 */
export class TurnPersonas {
  constructor(
    private readonly library: PersonaLibrary,
    private readonly userFacts: UserFacts,
  ) {}

  keys(): string[] {
    return this.library.keys();
  }

  async forTurn(input: {
    persona?: string;
    user: string;
    session: string;
    question: string;
    withModel: boolean;
  }) {
    const { key, persona } = this.library.get(input.persona);
    const language = detectLanguage(input.question);
    const emotion = detectEmotion(input.question, language);
    const [relation, userName, moments] = await Promise.all([
      this.userFacts.relationship(input.user, input.session, key),
      this.userFacts.name(input.user),
      input.withModel && emotion.emotion !== "neutral"
        ? this.userFacts.emotionalMoments(input.user, emotion.emotion)
        : Promise.resolve([]),
    ]);
    const now = moodFor(persona, emotion.emotion, emotion.confidence);
    const mood = now.intensity > 0 ? now : { mood: relation.mood, intensity: relation.intensity };
    const compiled = compilePersona(persona, {
      ...(relation.points !== undefined ? { points: relation.points } : {}),
      ...(mood.mood !== undefined ? { mood: mood.mood } : {}),
      ...(mood.intensity ? { intensity: mood.intensity } : {}),
    });
    return {
      key,
      file: persona,
      compiled,
      emotion,
      emotionBlock: emotionalContext(persona, emotion, moments),
      language,
      userName,
    } satisfies TurnPersona;
  }
}

/** Without a model: "¿Cómo te llamas?" answered in the persona's name, and the user's when known. */
export function introduction(tp: TurnPersona, question: string): string | undefined {
  if (!asksWhoYouAre(question)) return undefined;
  const self = fallbackPhrase(tp.file, tp.language, "self");
  return tp.userName ? `${self} ${fallbackPhrase(tp.file, tp.language, "user_known", tp.userName)}` : self;
}

/** Without a model, before a quoted passage: the persona says plainly that it quotes. */
export const quotingLead = (tp: TurnPersona): string =>
  fallbackPhrase(tp.file, tp.language, tp.userName ? "quoting_user" : "quoting", tp.userName);
