import { ConfigError, loadConfig, Port } from "@lumina/config";
import { type RunningService, serviceConfig } from "@lumina/runtime";
import { Type } from "@sinclair/typebox";
import { type LocalRedis, startLocalRedis } from "./local-redis.ts";
import { metricsPortVar, SERVICES, type ServiceModule } from "./services.ts";

/** Variables of the one-process runner itself; each service also reads its own (see .env.example). */
export const RunnerConfig = Type.Object({
  REDIS_URL: Type.Optional(Type.String({ description: "use this Redis instead of starting one" })),
  DATA_DIR: Type.String({ default: "./data" }),
  LOCAL_REDIS_PORT: Port(6380, "port of the redis-server lumina up starts when REDIS_URL is unset"),
});

export interface Lumina {
  readonly redisUrl: string;
  /** Set when this runner started the Redis server itself. */
  readonly localRedis: LocalRedis | undefined;
  readonly services: readonly RunningService[];
  stop(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Starts every service in this process against one Redis (its own when REDIS_URL is unset). If any
 * service fails to start, the ones already started are stopped again and the error is rethrown.
 */
export async function startLumina(
  env: Env,
  config: { REDIS_URL?: string; DATA_DIR: string; LOCAL_REDIS_PORT: number },
  onProgress: (line: string) => void = () => {},
): Promise<Lumina> {
  const envFor = (mod: ServiceModule): Env => ({
    ...env,
    ...(config.REDIS_URL ? { REDIS_URL: config.REDIS_URL } : {}),
    DATA_DIR: config.DATA_DIR,
    METRICS_PORT: env[metricsPortVar(mod.NAME)] ?? String(mod.METRICS_PORT),
  });
  checkAllConfigs(envFor);
  let localRedis: LocalRedis | undefined;
  if (!config.REDIS_URL) {
    onProgress(
      `starting redis-server on 127.0.0.1:${config.LOCAL_REDIS_PORT} (data in ${config.DATA_DIR}/redis)`,
    );
    localRedis = await startLocalRedis(config.DATA_DIR, config.LOCAL_REDIS_PORT);
  }
  const redisUrl = config.REDIS_URL ?? (localRedis as LocalRedis).url;
  const services: RunningService[] = [];
  const stop = async () => {
    for (const service of services.splice(0).reverse()) await service.stop();
    await localRedis?.stop();
  };
  try {
    for (const mod of SERVICES) {
      onProgress(`starting ${mod.NAME}`);
      services.push(await mod.start({ ...envFor(mod), REDIS_URL: redisUrl }));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { redisUrl, localRedis, services, stop };
}

/** Validates every service's configuration before anything starts, and reports all problems at once. */
function checkAllConfigs(envFor: (mod: ServiceModule) => Env): void {
  const problems = new Set<string>();
  for (const mod of SERVICES) {
    try {
      loadConfig(mod.NAME, serviceConfig(mod.METRICS_PORT, mod.CONFIG), envFor(mod));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const problem of err.problems) problems.add(problem);
    }
  }
  if (problems.size > 0) throw new ConfigError("lumina up", [...problems]);
}
