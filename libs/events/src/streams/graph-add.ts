import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { IntegerField, JsonField, Text, TimestampField } from "../fields.ts";
import { Provenance } from "./provenance.ts";

const Section = Type.Object({
  heading: Type.String({ maxLength: 512 }),
  level: Type.Integer({ minimum: 1, maximum: 6 }),
  text: Type.String(),
});

/** A parsed article, published by the crawler; the indexer, scratch-vm and ws-bridge read it. */
export const GraphAdd = defineStream({
  name: "graph:add",
  description: "A parsed Wikipedia article: identity, summary, sections, links and categories.",
  schema: Type.Object({
    title: Text(512),
    page_id: IntegerField({ minimum: 1 }),
    revision: IntegerField({ minimum: 1 }),
    url: Text(2048),
    summary: Type.String({ maxLength: 20_000 }),
    fingerprint: Text(128, "hash(title + first sentence)"),
    wikidata: Type.Optional(Type.String({ pattern: "^Q[0-9]+$" })),
    links: JsonField(Type.Array(Type.String({ minLength: 1, maxLength: 512 }))),
    categories: JsonField(Type.Array(Type.String({ minLength: 1, maxLength: 512 }))),
    sections: JsonField(Type.Array(Section)),
    infobox: Type.Optional(JsonField(Type.Record(Type.String(), Type.String()))),
    fetched_at: TimestampField(),
    provenance: Type.Optional(JsonField(Provenance)),
  }),
});
