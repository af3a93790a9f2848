import { Port } from "@lumina/config";
import { Type } from "@sinclair/typebox";

/** The ws-bridge's own variables, on top of the base ones (libs/runtime). */
export const WsBridgeConfig = Type.Object({
  WS_PORT: Port(7210, "WebSocket /stream and the live graph page"),
  WS_MAX_BUFFER_BYTES: Type.Integer({
    minimum: 1024,
    default: 1_048_576,
    description: "a client with more unsent bytes than this misses frames",
  }),
  WS_SLOW_CLIENT_MS: Type.Integer({
    minimum: 1,
    default: 5000,
    description: "a client over WS_MAX_BUFFER_BYTES for this long is disconnected",
  }),
  CHAT_PORT: Port(8000, "the chat API: /chat, /v1/*, /docs"),
  CHAT_URL: Type.String({
    default: "",
    description: "the chat API as the page's browser reaches it; empty: the page's host on CHAT_PORT",
  }),
  LUMINA_API_KEY: Type.String({
    default: "",
    description:
      "when set, WebSocket clients must present it (Authorization: Bearer, or the subprotocol bearer.<key>)",
  }),
  WS_RECENT_NODES: Type.Integer({
    minimum: 0,
    default: 10_000,
    description: "articles sent to a client when it connects (the page is made for 10,000)",
  }),
});
