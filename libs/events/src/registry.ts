import type { StreamContract } from "./contract.ts";
import { AdapterUpdated } from "./streams/adapter-updated.ts";
import { AffinityLevel } from "./streams/affinity-level.ts";
import { ChatTurn } from "./streams/chat-turn.ts";
import { CrawlRequest } from "./streams/crawl-req.ts";
import { GapRequest } from "./streams/gap-req.ts";
import { GraphAdd } from "./streams/graph-add.ts";
import { PadCompressed } from "./streams/pad-compressed.ts";
import { QaTurn } from "./streams/qa-turn.ts";
import { ThinkNote } from "./streams/think-note.ts";
import { UserForgotten } from "./streams/user-forgotten.ts";

/** Every public stream, in loop order (docs/architecture.md). ws-bridge fans these out; `lumina status` counts them. */
export const ALL_STREAMS: readonly StreamContract[] = Object.freeze([
  CrawlRequest,
  GraphAdd,
  GapRequest,
  ThinkNote,
  PadCompressed,
  QaTurn,
  ChatTurn,
  AffinityLevel,
  UserForgotten,
  AdapterUpdated,
]);

/** Where entries of `stream` go when they cannot be processed: `<stream>:dlq`. */
export const deadLetterStream = (stream: string): string => `${stream}:dlq`;
