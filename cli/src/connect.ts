import { redactUrl } from "@lumina/bus";

/** The Redis a command talks to: REDIS_URL, else the one `lumina up` starts (127.0.0.1:LOCAL_REDIS_PORT). */
export const redisUrlFrom = (env: NodeJS.ProcessEnv): string =>
  env.REDIS_URL || `redis://127.0.0.1:${env.LOCAL_REDIS_PORT || 6380}`;

export { redactUrl };

/** Metrics ports of the services (docs/architecture.md), without importing the services themselves. */
export const SERVICE_PORTS: Readonly<Record<string, number>> = Object.freeze({
  crawler: 9300,
  indexer: 9301,
  "rag-worker": 9302,
  "scratch-vm": 9303,
  planner: 9304,
  compressor: 9305,
  "ws-bridge": 9306,
  trainer: 9307,
  memory: 9308,
});

/** Where a service's /metrics, /healthz and /readyz answer: <NAME>_METRICS_PORT or its default. */
export function serviceUrl(name: string, env: NodeJS.ProcessEnv): string {
  const port = env[`${name.toUpperCase().replace(/-/g, "_")}_METRICS_PORT`] || SERVICE_PORTS[name];
  return `http://${env.STATUS_HOST || "127.0.0.1"}:${port}`;
}
