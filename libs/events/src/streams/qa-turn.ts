import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { JsonField, NumberField, Text, TimestampField } from "../fields.ts";

/** A chat turn the rag-worker answered with low confidence: training material for the trainer. */
export const QaTurn = defineStream({
  name: "qa:turn",
  description: "A chat turn (question, answer, confidence, citations) for the LoRA sample pool.",
  schema: Type.Object({
    turn_id: Text(64, "a ULID"),
    session: Text(128),
    query: Text(8192),
    answer: Type.String({ maxLength: 32_768 }),
    confidence: NumberField({ minimum: 0, maximum: 1 }),
    cite_ids: JsonField(Type.Array(Type.String({ minLength: 1, maxLength: 128 }))),
    ts: TimestampField(),
  }),
});
