import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { IntegerField, Text, TimestampField } from "../fields.ts";

/** A scratchpad folded into long-term memory (collection `scratch_mem`) and destroyed. */
export const PadCompressed = defineStream({
  name: "pad:compressed",
  description: "A scratchpad that the compressor embedded into scratch_mem and then destroyed.",
  schema: Type.Object({
    pad_id: Text(128),
    title: Text(512),
    notes: IntegerField({ minimum: 0 }),
    memory_id: Text(128),
    ts: TimestampField(),
  }),
});
