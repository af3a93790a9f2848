import { Port } from "@lumina/config";
import { type TObject, Type } from "@sinclair/typebox";

/** Variables every service reads (see .env.example). `metricsPort` is the service's port (docs/architecture.md). */
export const baseConfig = (metricsPort: number) =>
  Type.Object({
    REDIS_URL: Type.String({
      default: "redis://127.0.0.1:6379",
      description: "the Redis all services share",
    }),
    DATA_DIR: Type.String({ default: "./data", description: "vectors, graphs, adapters, local Redis data" }),
    LOG_LEVEL: Type.Union(
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
      { default: "info" },
    ),
    HOST: Type.String({
      default: "127.0.0.1",
      description: "interface HTTP servers bind to (0.0.0.0 in containers)",
    }),
    METRICS_PORT: Port(metricsPort, "/metrics, /healthz and /readyz of this service"),
    MAX_DELIVERIES: Type.Integer({
      minimum: 1,
      default: 5,
      description: "deliveries before an entry is dead-lettered",
    }),
    RECLAIM_IDLE_MS: Type.Integer({
      minimum: 10,
      default: 30_000,
      description: "a pending entry idle this long is retried or taken from a dead consumer",
    }),
    STREAM_MAXLEN: Type.Integer({
      minimum: 100,
      default: 100_000,
      description: "approximate cap per stream",
    }),
    REDIS_CONNECT_TIMEOUT_S: Type.Number({
      exclusiveMinimum: 0,
      default: 10,
      description: "give up starting after",
    }),
  });

export type BaseConfigSchema = ReturnType<typeof baseConfig>;

/** The base variables plus a service's own, as one schema. */
export function serviceConfig<S extends TObject>(metricsPort: number, own: S) {
  return Type.Composite([baseConfig(metricsPort), own]);
}
