import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { IntegerField, Text, TimestampField } from "../fields.ts";

/** One reflection round written by scratch-vm into a scratchpad. */
export const ThinkNote = defineStream({
  name: "think:note",
  description: "A reflection note about an article, one per round, kept in a TTL scratchpad.",
  schema: Type.Object({
    pad_id: Text(128),
    title: Text(512),
    round: IntegerField({ minimum: 1 }),
    rounds: IntegerField({ minimum: 1 }),
    note: Text(20_000),
    ts: TimestampField(),
  }),
});
