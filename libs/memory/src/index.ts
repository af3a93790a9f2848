export { describeFact, factText, type UserQuestion, userQuestion } from "./about-user.ts";
export { analyseMessage, type MessageAnalysis } from "./extract/analyse.ts";
export type { ExtractedEpisode } from "./extract/episodes.ts";
export type { ExtractedFact } from "./extract/facts.ts";
export { detectEmotion, type Emotion, EMOTIONS, type EmotionReading } from "./extract/emotion.ts";
export { detectLanguage, type Language } from "./extract/language.ts";
export { sentimentOf } from "./extract/sentiment.ts";
export { MemoryStoreConfig, openMemoryStore, sqlitePath } from "./open.ts";
export type { FactEvent, ImportCounts, MemoryStore } from "./port.ts";
export { rekeySnapshot } from "./rekey.ts";
export type { InteractionResult } from "./sql/relationship.ts";
export {
  Affinity,
  Episode,
  Fact,
  FactChange,
  type FactObservation,
  type Interaction,
  MoodChange,
  SENTIMENTS,
  SessionMood,
  Sentiment,
  Snapshot,
  StoredMessage,
  UserId,
  type UserSummary,
} from "./records.ts";
