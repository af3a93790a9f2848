export { type LocalRedis, startLocalRedis } from "./local-redis.ts";
export { type Lumina, RunnerConfig, startLumina } from "./runner.ts";
export { metricsPortVar, SERVICES, type ServiceModule } from "./services.ts";
export { CATALOGUE, ModelsConfig } from "./commands/models.ts";
