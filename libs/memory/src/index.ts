export { describeFact, factText, type UserQuestion, userQuestion } from "./about-user.ts";
export { analyseMessage, type MessageAnalysis } from "./extract/analyse.ts";
export type { ExtractedEpisode } from "./extract/episodes.ts";
export type { ExtractedFact } from "./extract/facts.ts";
export { detectLanguage, type Language } from "./extract/language.ts";
export { sentimentOf } from "./extract/sentiment.ts";
export { MemoryStoreConfig, openMemoryStore, sqlitePath } from "./open.ts";
export type { FactEvent, ImportCounts, MemoryStore } from "./port.ts";
export { rekeySnapshot } from "./rekey.ts";
export {
  Episode,
  Fact,
  FactChange,
  type FactObservation,
  SENTIMENTS,
  Sentiment,
  Snapshot,
  StoredMessage,
  UserId,
  type UserSummary,
} from "./records.ts";
