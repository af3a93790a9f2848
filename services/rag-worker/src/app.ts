import { createHttpServer, registerOpsRoutes, serverHandle } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { RagWorkerConfig } from "./config.ts";

export type RagWorkerDeps = ServiceDeps<ConfigOf<typeof RagWorkerConfig>>;

/**
 * Answers /chat and the OpenAI-compatible API with cited, scored answers (issue #4). For now the chat
 * port answers /healthz and /readyz only; /chat is not registered, so callers get a 404, not a fake answer.
 */
export function buildService(deps: RagWorkerDeps): ServiceApp {
  const http = createHttpServer(deps.logger, "chat-http");
  registerOpsRoutes(http, undefined, deps.readiness);
  let url = "";
  return {
    capabilities: [],
    async start() {
      await http.listen({ host: deps.config.HOST, port: deps.config.CHAT_PORT });
      url = serverHandle(http).url;
    },
    stop: () => http.close(),
    urls: () => ({ chat: url }),
  };
}
