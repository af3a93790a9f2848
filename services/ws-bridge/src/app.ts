import { createHttpServer, registerOpsRoutes, serverHandle } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { WsBridgeConfig } from "./config.ts";

export type WsBridgeDeps = ServiceDeps<ConfigOf<typeof WsBridgeConfig>>;

/**
 * Fans graph events out over WebSocket /stream and serves the live graph page (issue #3). For now the
 * WS port answers /healthz and /readyz only.
 */
export function buildService(deps: WsBridgeDeps): ServiceApp {
  const http = createHttpServer(deps.logger, "ws-http");
  registerOpsRoutes(http, undefined, deps.readiness);
  let url = "";
  return {
    capabilities: [],
    async start() {
      await http.listen({ host: deps.config.HOST, port: deps.config.WS_PORT });
      url = serverHandle(http).url;
    },
    stop: () => http.close(),
    urls: () => ({ ws: url }),
  };
}
