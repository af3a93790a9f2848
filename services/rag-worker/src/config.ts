import { Port } from "@lumina/config";
import { Type } from "@sinclair/typebox";

/** The rag-worker's own variables, on top of the base ones (libs/runtime). */
export const RagWorkerConfig = Type.Object({
  CHAT_PORT: Port(8000, "the chat API: /chat, /v1/*, /docs"),
});
