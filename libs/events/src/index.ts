export {
  type DecodeResult,
  decodeEvent,
  defineStream,
  type EventOf,
  encodeEvent,
  type Fields,
  type StreamContract,
  type WireOf,
} from "./contract.ts";
export { IntegerField, JsonField, NumberField, Text, TimestampField } from "./fields.ts";
export { ALL_STREAMS, deadLetterStream } from "./registry.ts";
export { COLLECTIONS } from "./collections.ts";
export { CHAT, CRAWL, GAPS, INTERESTS, KG, PADS } from "./redis-keys.ts";
export { AdapterUpdated } from "./streams/adapter-updated.ts";
export { AffinityLevel } from "./streams/affinity-level.ts";
export { UserForgotten } from "./streams/user-forgotten.ts";
export { ChatTurn } from "./streams/chat-turn.ts";
export { CrawlRequest } from "./streams/crawl-req.ts";
export { GapRequest } from "./streams/gap-req.ts";
export { GraphAdd } from "./streams/graph-add.ts";
export { PriorityTerms, Provenance, ReadReason } from "./streams/provenance.ts";
export { PadCompressed } from "./streams/pad-compressed.ts";
export { QaTurn } from "./streams/qa-turn.ts";
export { ThinkNote } from "./streams/think-note.ts";
