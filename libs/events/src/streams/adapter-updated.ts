import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { IntegerField, Text, TimestampField } from "../fields.ts";

/** A new LoRA adapter version the rag-worker should hot-swap to. */
export const AdapterUpdated = defineStream({
  name: "adapter:updated",
  description: "A trained LoRA adapter: version, file path, base model and sample count.",
  schema: Type.Object({
    version: IntegerField({ minimum: 1 }),
    path: Text(4096),
    base_model: Text(512),
    samples: IntegerField({ minimum: 0 }),
    ts: TimestampField(),
  }),
});
