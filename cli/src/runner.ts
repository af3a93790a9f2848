import { ConfigError, loadConfig, Port } from "@lumina/config";
import { type RunningService, serviceConfig } from "@lumina/runtime";
import { Type } from "@sinclair/typebox";
import { type LocalRedis, startLocalRedis } from "./local-redis.ts";
import { metricsPortVar, SERVICES, type ServiceModule } from "./services.ts";
import { Supervisor } from "./supervisor.ts";

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
  const envFor = serviceEnv(env, config);
  checkAllConfigs(envFor);
  const { localRedis, redisUrl } = await redisFor(config, onProgress);
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

export interface LuminaProcesses {
  readonly redisUrl: string;
  readonly localRedis: LocalRedis | undefined;
  readonly supervisor: Supervisor;
  stop(): Promise<void>;
}

/**
 * `lumina up --processes`: every service as its own child process against one Redis (its own when
 * REDIS_URL is unset), restarted when it exits, as Compose does with containers — without Docker.
 */
export async function startLuminaProcesses(
  env: Env,
  config: { REDIS_URL?: string; DATA_DIR: string; LOCAL_REDIS_PORT: number },
  onProgress: (line: string) => void = () => {},
  logDir?: string,
): Promise<LuminaProcesses> {
  const envFor = serviceEnv(env, config);
  checkAllConfigs(envFor);
  const { localRedis, redisUrl } = await redisFor(config, onProgress);
  const byName = new Map(SERVICES.map((mod) => [mod.NAME, mod]));
  const supervisor = new Supervisor({
    envFor: (name) => ({ ...envFor(byName.get(name) as ServiceModule), REDIS_URL: redisUrl }),
    ...(logDir ? { logDir } : {}),
    onEvent: onProgress,
  });
  await supervisor.start(SERVICES.map((mod) => mod.NAME));
  return {
    redisUrl,
    localRedis,
    supervisor,
    async stop() {
      await supervisor.stop();
      await localRedis?.stop();
    },
  };
}

/** REDIS_URL when set; otherwise a redis-server of our own on LOCAL_REDIS_PORT. */
async function redisFor(
  config: { REDIS_URL?: string; DATA_DIR: string; LOCAL_REDIS_PORT: number },
  onProgress: (line: string) => void,
): Promise<{ localRedis: LocalRedis | undefined; redisUrl: string }> {
  if (config.REDIS_URL) return { localRedis: undefined, redisUrl: config.REDIS_URL };
  onProgress(
    `starting redis-server on 127.0.0.1:${config.LOCAL_REDIS_PORT} (data in ${config.DATA_DIR}/redis)`,
  );
  const localRedis = await startLocalRedis(config.DATA_DIR, config.LOCAL_REDIS_PORT);
  return { localRedis, redisUrl: localRedis.url };
}

/** A service's environment under the runner: the shared one, DATA_DIR, REDIS_URL, its own metrics port. */
function serviceEnv(env: Env, config: { REDIS_URL?: string; DATA_DIR: string }): (mod: ServiceModule) => Env {
  return (mod) => ({
    ...env,
    ...(config.REDIS_URL ? { REDIS_URL: config.REDIS_URL } : {}),
    DATA_DIR: config.DATA_DIR,
    METRICS_PORT: env[metricsPortVar(mod.NAME)] ?? String(mod.METRICS_PORT),
  });
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
