import { PriorityTerms } from "@lumina/events";
import { type Static, Type } from "@sinclair/typebox";

const Count = Type.Integer({ minimum: 0 });
const NullableCount = Type.Union([Count, Type.Null()], { description: "null when it could not be read" });

/**
 * `lumina status --json`: stable for scripts. Fields are only ever added (with `version` bumped when one
 * changes meaning); documented in docs/cli.md.
 */
export const StatusReport = Type.Object({
  version: Type.Literal(1),
  at: Type.String({ description: "ISO-8601 time of the report" }),
  redis: Type.Object({
    url: Type.String({ description: "password hidden" }),
    ok: Type.Boolean(),
    latency_ms: Type.Optional(Type.Number()),
    error: Type.Optional(Type.String()),
  }),
  queues: Type.Object({
    crawl: Count,
    gaps: Count,
    train_pool: Count,
    pads_open: Count,
  }),
  plan: Type.Object(
    {
      at: Type.Union([Type.String(), Type.Null()], { description: "when the planner last scored, ISO-8601" }),
      candidates: Type.Array(
        Type.Object({
          topic: Type.String(),
          terms: PriorityTerms,
          held: Type.Optional(Type.String({ description: "why it waits (off topic)" })),
        }),
      ),
    },
    {
      description: "the top of the planner's queue: its best candidates in its last round, with their terms",
    },
  ),
  streams: Type.Array(
    Type.Object({
      name: Type.String(),
      length: Count,
      dead_letters: Count,
      groups: Type.Array(Type.Object({ name: Type.String(), pending: Count, lag: NullableCount })),
    }),
  ),
  knowledge: Type.Object({
    articles: NullableCount,
    chunks: NullableCount,
    memories: NullableCount,
    chat_turns: NullableCount,
  }),
  model: Type.Object({
    llm: Type.Union([Type.String(), Type.Null()]),
    adapter: Type.Union([Type.String(), Type.Null()]),
    embedder: Type.Union([Type.String(), Type.Null()]),
  }),
  services: Type.Array(
    Type.Object({
      name: Type.String(),
      url: Type.String(),
      up: Type.Boolean({ description: "answered /readyz" }),
      ready: Type.Boolean({ description: "every dependency check passed" }),
      fallbacks: Type.Array(Type.String()),
      error: Type.Optional(Type.String()),
    }),
  ),
});
export type StatusReport = Static<typeof StatusReport>;
