import { ConfigError, loadConfig, Port } from "@lumina/config";
import { type RunningService, redactUrl, serviceConfig } from "@lumina/runtime";
import { Type } from "@sinclair/typebox";
import { type LocalRedis, startLocalRedis } from "./local-redis.ts";
import { lockDataDir } from "./runner-lock.ts";
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
  const { localRedis, redisUrl, release } = await claim(config, onProgress);
  const services: RunningService[] = [];
  const stop = async () => {
    await stopWithin(services.splice(0), SERVICES_STOP_MS, onProgress);
    await localRedis?.stop();
    await release();
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
  const { localRedis, redisUrl, release } = await claim(config, onProgress);
  const byName = new Map(SERVICES.map((mod) => [mod.NAME, mod]));
  const supervisor = new Supervisor({
    envFor: (name) => ({ ...envFor(byName.get(name) as ServiceModule), REDIS_URL: redisUrl }),
    ...(logDir ? { logDir } : {}),
    onEvent: onProgress,
  });
  try {
    await supervisor.start(SERVICES.map((mod) => mod.NAME));
  } catch (err) {
    await supervisor.stop();
    await localRedis?.stop();
    await release();
    throw err;
  }
  return {
    redisUrl,
    localRedis,
    supervisor,
    async stop() {
      await supervisor.stop(SERVICES_STOP_MS); // then SIGKILL: unacknowledged events are redelivered
      await localRedis?.stop();
      await release();
    },
  };
}

/** What the services may take to stop, all together, so that a stop ends within 10 s with Redis's. */
const SERVICES_STOP_MS = 6_000;

/**
 * Stops the services together (each lets its in-flight events finish and flushes its acks; they do not
 * depend on one another, and one by one their blocking reads add up to seconds) within `budgetMs`. A
 * service still stopping then — its Redis or store unreachable — is left behind and named: its
 * unacknowledged events are redelivered at the next start, so nothing is lost.
 */
async function stopWithin(
  services: RunningService[],
  budgetMs: number,
  onProgress: (line: string) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((r) => {
    timer = setTimeout(() => r("late"), budgetMs);
  });
  const stopping = new Set(services.map((s) => s.name));
  const each = services.map((service) =>
    service.stop().then(
      () => void stopping.delete(service.name),
      (err: unknown) => {
        stopping.delete(service.name);
        onProgress(`${service.name} failed to stop cleanly: ${String(err)}`);
      },
    ),
  );
  const outcome = await Promise.race([Promise.all(each).then(() => "stopped" as const), late]);
  clearTimeout(timer);
  if (outcome === "late")
    onProgress(
      `${[...stopping].join(", ")} did not stop within ${budgetMs / 1000} s (Redis or a store unreachable?): left; their unacknowledged events are redelivered at the next start`,
    );
}

/** DATA_DIR for this runner (refused while another runs on it), then its Redis. */
async function claim(
  config: { REDIS_URL?: string; DATA_DIR: string; LOCAL_REDIS_PORT: number },
  onProgress: (line: string) => void,
): Promise<{ localRedis: LocalRedis | undefined; redisUrl: string; release: () => Promise<void> }> {
  const label = config.REDIS_URL
    ? redactUrl(config.REDIS_URL)
    : `redis://127.0.0.1:${config.LOCAL_REDIS_PORT}`;
  const release = await lockDataDir(config.DATA_DIR, label);
  try {
    return { ...(await redisFor(config, onProgress)), release };
  } catch (err) {
    await release();
    throw err;
  }
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
