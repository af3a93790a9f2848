import { Port } from "@lumina/config";
import { Type } from "@sinclair/typebox";

/** The ws-bridge's own variables, on top of the base ones (libs/runtime). */
export const WsBridgeConfig = Type.Object({
  WS_PORT: Port(7210, "WebSocket /stream and the live graph page"),
});
