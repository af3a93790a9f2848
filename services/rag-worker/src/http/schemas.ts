import { Provenance } from "@lumina/events";
import { UserId } from "@lumina/memory";
import { Type } from "@sinclair/typebox";

const Session = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: "^[A-Za-z0-9_.:-]+$",
  description: "conversation id: letters, digits, _ . : -",
});

export const ChatRequest = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 2000, description: "the question" }),
    session: Type.Optional(Session),
    user: Type.Optional(UserId),
    persona: Type.Optional(
      Type.String({
        pattern: "^[a-z0-9][a-z0-9_-]{0,63}$",
        description: "the persona that answers (personas/<persona>.json); absent: PERSONA",
      }),
    ),
    max_tokens: Type.Optional(
      Type.Integer({ minimum: 1, description: "answer length limit (model answers)" }),
    ),
  },
  { additionalProperties: false },
);

/** The sentence an answer rests on, with its offsets in the chunk's text. */
export const Quote = Type.Object(
  {
    text: Type.String(),
    start: Type.Integer({ minimum: 0 }),
    end: Type.Integer({ minimum: 0 }),
  },
  { description: "chunk.text.slice(start, end) is the cited sentence" },
);

export const SourceRef = Type.Object({
  kind: Type.Union([Type.Literal("chunk"), Type.Literal("fact")], {
    description: "chunk: a passage Lumina read; fact: something the user told Lumina (snippet: their words)",
  }),
  id: Type.String({ description: "chunk id, resolvable with GET /chunks/:id" }),
  title: Type.String(),
  url: Type.String(),
  revision: Type.Integer(),
  snippet: Type.String(),
  quote: Type.Optional(Quote),
  permalink: Type.Optional(
    Type.String({ description: "the exact revision read, with a text fragment on the quoted sentence" }),
  ),
});

/** Who answered: the persona, the relationship level with this user, the mood of the session. */
export const Persona = Type.Object({
  key: Type.String(),
  name: Type.String(),
  level: Type.String(),
  mood: Type.String(),
});

export const ChatResponse = Type.Object({
  id: Type.String({ description: "the turn's ULID" }),
  answer: Type.String(),
  cite_ids: Type.Array(Type.String()),
  sources: Type.Array(SourceRef),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  session: Type.String(),
  model: Type.String({ description: "extractive, or the model that wrote the answer" }),
  finish_reason: Type.String({ description: "stop, length (max_tokens reached) or abort" }),
  overhead_ms: Type.Number({ description: "server time spent outside generation" }),
  persona: Persona,
});

export const ChunkResponse = Type.Object({
  id: Type.String(),
  text: Type.String(),
  title: Type.String(),
  url: Type.String(),
  revision: Type.Integer(),
  section: Type.String(),
  permalink: Type.Optional(
    Type.String({ description: "the exact revision (with ?start&end: a text fragment)" }),
  ),
  quote: Type.Optional(Quote),
  read_because: Type.Optional(
    Type.Composite([Provenance], {
      description:
        "why Lumina read the article: who asked, the reason, the linking article, the planner's terms",
    }),
  ),
});

export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

const Message = Type.Object({
  role: Type.Union([
    Type.Literal("system"),
    Type.Literal("user"),
    Type.Literal("assistant"),
    Type.Literal("developer"),
  ]),
  content: Type.Union([
    Type.String({ maxLength: 20_000 }),
    Type.Array(Type.Object({ type: Type.Literal("text"), text: Type.String({ maxLength: 20_000 }) })),
  ]),
});

/** The OpenAI chat completions request; fields Lumina does not use are accepted and ignored. */
export const CompletionRequest = Type.Object({
  model: Type.Optional(Type.String({ maxLength: 256 })),
  messages: Type.Array(Message, { minItems: 1, maxItems: 100 }),
  stream: Type.Optional(Type.Boolean()),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
  max_completion_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  user: Type.Optional(Type.String({ maxLength: 128 })),
  lumina: Type.Optional(
    Type.Object(
      {
        session: Type.Optional(Session),
        mode: Type.Optional(
          Type.Union([Type.Literal("rag"), Type.Literal("raw")], {
            description: "rag (default): retrieval, citations, memory; raw: the model alone (scratch-vm)",
          }),
        ),
        priority: Type.Optional(Type.Union([Type.Literal("chat"), Type.Literal("background")])),
      },
      { additionalProperties: false },
    ),
  ),
});

/** The OpenAI embeddings request: the embedder the indexer uses, served to other programs. */
export const EmbeddingsRequest = Type.Object({
  input: Type.Union([
    Type.String({ maxLength: 20_000 }),
    Type.Array(Type.String({ maxLength: 20_000 }), { minItems: 1, maxItems: 256 }),
  ]),
  model: Type.Optional(Type.String({ maxLength: 256 })),
  encoding_format: Type.Optional(Type.Union([Type.Literal("float"), Type.Literal("base64")])),
  user: Type.Optional(Type.String({ maxLength: 128 })),
});
