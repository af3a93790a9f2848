import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { NumberField, Text, TimestampField } from "../fields.ts";

/** A user's relationship with a persona moved to another level (stranger → acquaintance …). */
export const AffinityLevel = defineStream({
  name: "affinity:level",
  description: "A user's affinity with a persona crossed into another relationship level.",
  schema: Type.Object({
    user: Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_.@-]+$" }),
    persona: Text(64),
    from_level: Text(64),
    to_level: Text(64),
    points: NumberField({ minimum: 0, maximum: 100 }),
    turn_id: Text(64, "the chat turn that moved it"),
    ts: TimestampField(),
  }),
});
