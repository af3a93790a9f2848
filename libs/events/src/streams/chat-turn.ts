import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { NumberField, Text, TimestampField } from "../fields.ts";

/** Every chat turn the rag-worker answered: the memory service learns about the user from it. */
export const ChatTurn = defineStream({
  name: "chat:turn",
  description:
    "Every chat turn (user, session, question, answer): what the memory service remembers of the user.",
  schema: Type.Object({
    turn_id: Text(64, "a ULID; the turn's messages are <turn_id>:q and <turn_id>:a"),
    user: Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_.@-]+$" }),
    session: Text(128),
    query: Text(8192),
    answer: Type.String({ maxLength: 32_768 }),
    confidence: NumberField({ minimum: 0, maximum: 1 }),
    /** Absent in turns published before personas: the default persona's. */
    persona: Type.Optional(Text(64, "the persona that answered (personas/<persona>.json)")),
    ts: TimestampField(),
  }),
});
