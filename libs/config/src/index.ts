export { ConfigError, loadConfig } from "./load-config.ts";
export { Port, Seconds } from "./types.ts";
