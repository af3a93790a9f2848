import { Type } from "@sinclair/typebox";
import { Text } from "../fields.ts";

/**
 * Why an article was read: a person asked (`seed` through crawl:queue or `lumina seed`, `manual` on
 * crawl:req), or the planner chose it for a gap — a link from a read article (`dangling`), a link of
 * an article that told too little (`sparse`), or the topic of a question Lumina could not answer.
 */
export const ReadReason = Type.Union([
  Type.Literal("seed"),
  Type.Literal("manual"),
  Type.Literal("dangling"),
  Type.Literal("sparse"),
  Type.Literal("low_confidence"),
  Type.Literal("unknown"),
]);

const Term = Type.Number({ minimum: 0 });

/** The planner's priority for a topic and the four terms it is the product of (docs/autonomy.md). */
export const PriorityTerms = Type.Object({
  priority: Term,
  pagerank: Term,
  novelty: Term,
  recency: Term,
  relevance: Term,
});

/** Carried from crawl:req through graph:add to the node: who asked for the article, and why. */
export const Provenance = Type.Object({
  source: Text(64, "who asked: user, cli, crawl:queue, planner …"),
  why: ReadReason,
  parent: Type.Optional(Text(512, "the read article whose link led here")),
  reason: Type.Optional(Type.String({ maxLength: 512 })),
  terms: Type.Optional(PriorityTerms),
});
