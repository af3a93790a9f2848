export { type LocalRedis, startLocalRedis } from "./local-redis.ts";
export {
  type Lumina,
  type LuminaProcesses,
  RunnerConfig,
  startLumina,
  startLuminaProcesses,
} from "./runner.ts";
export { serviceEntry, Supervisor, type SupervisorOptions } from "./supervisor.ts";
export { metricsPortVar, SERVICES, type ServiceModule } from "./services.ts";
export { CATALOGUE, ModelsConfig } from "./commands/models.ts";
