export { type BaseConfigSchema, baseConfig, serviceConfig } from "./base-config.ts";
export { markChatActive, yieldToChat } from "./chat-quiet.ts";
export { KeyedLock } from "./keyed-lock.ts";
export { MadeDirs } from "./made-dirs.ts";
export { Periodic } from "./periodic.ts";
export { isMain, runMain } from "./run-main.ts";
export { closingAlso, type RunningService, type ServiceApp } from "./service.ts";
export { redactUrl } from "@lumina/bus";
export { type ConfigOf, type ServiceDefinition, type ServiceDeps, startService } from "./start-service.ts";
export {
  RedisNotInstalledError,
  type RedisProcess,
  type RedisProcessOptions,
  spawnRedisServer,
} from "./redis-process.ts";
