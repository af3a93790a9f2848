import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { JsonField, NumberField, Text } from "../fields.ts";
import { PriorityTerms, ReadReason } from "./provenance.ts";

/** A request to read one article: `XADD crawl:req '*' url Artificial_intelligence prio 1`. */
export const CrawlRequest = defineStream({
  name: "crawl:req",
  description: "Ask the crawler to read an article, by title or by URL on the configured wiki.",
  schema: Type.Object({
    url: Text(2048, "an article title (Artificial_intelligence) or its URL on the configured wiki"),
    prio: Type.Optional(NumberField({ minimum: -1000, maximum: 1000 })),
    source: Type.Optional(Text(64, "who asked: user, planner, cli, gap …")),
    reason: Type.Optional(Text(512)),
    why: Type.Optional(ReadReason),
    parent: Type.Optional(Text(512, "the read article whose link led here (planner)")),
    terms: Type.Optional(JsonField(PriorityTerms)),
  }),
});
