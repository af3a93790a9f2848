export { createHttpServer } from "./http-server.ts";
export { createLogger, type Logger, REDACTED_PATHS } from "./logger.ts";
export { createRegistry } from "./metrics.ts";
export { sameSecret } from "./secret.ts";
export {
  type OpsServer,
  type OpsServerOptions,
  registerOpsRoutes,
  serverHandle,
  startOpsServer,
} from "./ops-server.ts";
export { type Check, type ReadinessProbe, type ReadyReport, timedCheck } from "./readiness.ts";
