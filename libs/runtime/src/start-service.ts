import { hostname } from "node:os";
import {
  type BusMetrics,
  closeRedis,
  connectRedis,
  createBusMetrics,
  redactUrl,
  StreamPublisher,
} from "@lumina/bus";
import { loadConfig } from "@lumina/config";
import {
  createLogger,
  createRegistry,
  type Logger,
  type ReadinessProbe,
  type ReadyReport,
  startOpsServer,
  timedCheck,
} from "@lumina/observability";
import type { Static, TObject } from "@sinclair/typebox";
import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import { type BaseConfigSchema, serviceConfig } from "./base-config.ts";
import type { RunningService, ServiceApp } from "./service.ts";
import { LuminaError } from "@lumina/errors";

export type ConfigOf<S extends TObject> = Readonly<Static<BaseConfigSchema> & Static<S>>;

/** The shared resources a service's app is built from. Whoever builds a resource closes it: this kit. */
export interface ServiceDeps<Cfg> {
  name: string;
  config: Cfg;
  logger: Logger;
  registry: Registry;
  redis: Redis;
  publisher: StreamPublisher;
  bus: BusMetrics;
  /** Unique per process: `<service>-<host>-<pid>`, the consumer name in every group. */
  consumerName: string;
  /** Consumer settings from the environment (MAX_DELIVERIES, RECLAIM_IDLE_MS), for StreamConsumer. */
  consumerDefaults: { maxDeliveries: number; reclaimIdleMs: number; logger: Logger; metrics: BusMetrics };
  /** The service's /readyz report, for servers of its own (chat API, WebSocket) that answer it too. */
  readiness: ReadinessProbe;
}

export interface ServiceDefinition<S extends TObject> {
  name: string;
  metricsPort: number;
  config: S;
  build(deps: ServiceDeps<ConfigOf<S>>): ServiceApp | Promise<ServiceApp>;
}

/**
 * Loads the config from `env`, connects to Redis (failing clearly when it cannot), builds and starts the
 * app and its consumers, and serves /metrics, /healthz and /readyz on METRICS_PORT.
 */
export async function startService<S extends TObject>(
  def: ServiceDefinition<S>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunningService> {
  const config = loadConfig(
    def.name,
    serviceConfig(def.metricsPort, def.config),
    env,
  ) as unknown as ConfigOf<S>;
  const logger = createLogger(def.name, config.LOG_LEVEL);
  const registry = createRegistry(def.name);
  const redis = connectRedis(config.REDIS_URL, def.name, (err) =>
    logger.warn(
      { err: err.message },
      `redis connection lost or refused at ${redactUrl(config.REDIS_URL)}; retrying`,
    ),
  );
  const closers = new Closers(logger);
  closers.add(() => closeRedis(redis));
  try {
    await waitForRedis(redis, config.REDIS_URL, config.REDIS_CONNECT_TIMEOUT_S);
    let app: ServiceApp = { capabilities: [] }; // replaced by the built app below
    const probe: ReadinessProbe = () => readiness(def.name, redis, app);
    app = await def.build(serviceDeps(def.name, config, { logger, registry, redis, probe }));
    const built = app;
    await built.start?.();
    closers.add(async () => built.stop?.());
    for (const consumer of built.consumers ?? []) {
      await consumer.start();
      closers.add(() => consumer.stop());
    }
    const ops = await startOpsServer({
      host: config.HOST,
      port: config.METRICS_PORT,
      registry,
      logger,
      readiness: probe,
    });
    closers.add(() => ops.close());
    const urls = { metrics: ops.url, ...built.urls?.() };
    logger.info({ urls, capabilities: built.capabilities }, `${def.name} started`);
    return {
      name: def.name,
      urls,
      async stop() {
        logger.info(`${def.name} stopping`);
        await closers.closeAll();
      },
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

/** What a service's app is built from: its config, logger, metrics, Redis, publisher, consumer defaults. */
function serviceDeps<C extends ConfigOf<TObject>>(
  name: string,
  config: C,
  kit: { logger: Logger; registry: Registry; redis: Redis; probe: ReadinessProbe },
): ServiceDeps<C> {
  const { logger, redis } = kit;
  const bus = createBusMetrics(kit.registry);
  return {
    name,
    config,
    logger,
    registry: kit.registry,
    redis,
    bus,
    publisher: new StreamPublisher({ redis, maxLen: config.STREAM_MAXLEN, metrics: bus }),
    consumerName: `${name}-${hostname()}-${process.pid}`,
    consumerDefaults: {
      maxDeliveries: config.MAX_DELIVERIES,
      reclaimIdleMs: config.RECLAIM_IDLE_MS,
      logger,
      metrics: bus,
    },
    readiness: kit.probe,
  };
}

/** What to close, closed in reverse order of opening; a failure is logged and the rest still close. */
class Closers {
  readonly #closers: (() => Promise<unknown>)[] = [];
  constructor(private readonly logger: Logger) {}
  add(close: () => Promise<unknown>): void {
    this.#closers.push(close);
  }
  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse())
      await close().catch((err) => this.logger.error({ err }, "close failed"));
  }
}

async function readiness(name: string, redis: Redis, app: ServiceApp): Promise<ReadyReport> {
  const [redisCheck, own] = await Promise.all([
    timedCheck(() => redis.ping()),
    app.readiness?.() ?? Promise.resolve({} as Awaited<ReturnType<NonNullable<ServiceApp["readiness"]>>>),
  ]);
  const checks = { redis: redisCheck, ...own.checks };
  return {
    ready: Object.values(checks).every((c) => c.ok),
    service: name,
    checks,
    adapters: own.adapters ?? {},
    fallbacks: own.fallbacks ?? [],
    capabilities: app.capabilities,
  };
}

async function waitForRedis(redis: Redis, url: string, timeoutS: number): Promise<void> {
  const check = await timedCheck(() => redis.ping(), timeoutS * 1_000);
  if (!check.ok) {
    throw new LuminaError(
      "redis_unreachable",
      `cannot reach Redis at ${redactUrl(url)} (${check.detail}). Start one (\`npm start\` starts its own when ` +
        "REDIS_URL is unset; `make up` runs it in Docker) or point REDIS_URL at a running server.",
    );
  }
}
