import { Type } from "@sinclair/typebox";
import { defineStream } from "../contract.ts";
import { TimestampField } from "../fields.ts";

/**
 * Lumina forgot a user (`DELETE /v1/users/:user`, mem0's `delete_all`): every service that keeps
 * something of theirs deletes it — the rag-worker its chat history, rolling summaries and `chat_long`.
 */
export const UserForgotten = defineStream({
  name: "user:forgotten",
  description: "A user was forgotten: services delete what they keep of them.",
  schema: Type.Object({
    user: Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_.@-]+$" }),
    ts: TimestampField(),
  }),
});
