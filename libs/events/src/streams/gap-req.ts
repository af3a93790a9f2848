import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { NumberField, Text } from "../fields.ts";

/** A topic Lumina knows too little about; the planner turns the best ones into crawls. */
export const GapRequest = defineStream({
  name: "gap:req",
  description: "A knowledge gap: a dangling link, a sparse topic or a question answered badly.",
  schema: Type.Object({
    topic: Text(512, "an article title"),
    reason: Type.Union([
      Type.Literal("dangling"),
      Type.Literal("sparse"),
      Type.Literal("low_confidence"),
      Type.Literal("unknown"),
      Type.Literal("manual"),
    ]),
    score: Type.Optional(NumberField({ minimum: 0 })),
    source: Type.Optional(Text(64)),
    query: Type.Optional(Type.String({ maxLength: 4096 })),
    parent: Type.Optional(Text(512, "the read article that links to the topic")),
  }),
});
