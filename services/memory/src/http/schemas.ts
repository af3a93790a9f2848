import { UserId } from "@lumina/memory";
import { Type } from "@sinclair/typebox";

/*
 * The mem0 platform API's requests, as the official clients send them (fields Lumina does not use are
 * accepted and ignored), and Lumina's own memory requests.
 */

const Content = Type.String({ minLength: 1, maxLength: 20_000 });
const Message = Type.Object({
  role: Type.Union([Type.Literal("user"), Type.Literal("assistant"), Type.Literal("system")]),
  content: Content,
});
const Id = Type.String({ minLength: 1, maxLength: 128 });

export const AddRequest = Type.Object({
  messages: Type.Union([Content, Type.Array(Message, { minItems: 1, maxItems: 200 })]),
  user_id: Type.Optional(UserId),
  agent_id: Type.Optional(Id),
  run_id: Type.Optional(Id),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  infer: Type.Optional(Type.Boolean()),
  /** Unix time in seconds (mem0's convention). */
  timestamp: Type.Optional(Type.Number({ minimum: 0 })),
});

export const Filters = Type.Record(Type.String(), Type.Unknown(), {
  description: "mem0 filters: { user_id } or { AND: [{ user_id }, …] }",
});

export const SearchRequest = Type.Object({
  query: Type.String({ minLength: 1, maxLength: 4000 }),
  filters: Type.Optional(Filters),
  top_k: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
});

export const ListRequest = Type.Object({ filters: Type.Optional(Filters) });

export const Paging = Type.Object({
  page: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,5}$" })),
  page_size: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,3}$" })),
});

export const UpdateRequest = Type.Object({
  text: Type.Optional(Content),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const MemoryIdParams = Type.Object({ id: Id });
export const UserParams = Type.Object({ user: UserId });
export const UserFactParams = Type.Object({ user: UserId, id: Id });
export const DeleteAllQuery = Type.Object({
  user_id: Type.Optional(UserId),
  agent_id: Type.Optional(Id),
  run_id: Type.Optional(Id),
});
export const UserSearchRequest = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 4000 }),
    top_k: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
