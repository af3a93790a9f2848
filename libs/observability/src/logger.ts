import pino, { type Logger } from "pino";

export type { Logger } from "pino";

/** Paths whose values never reach a log line (API keys, auth headers). */
export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "LUMINA_API_KEY",
  "*.LUMINA_API_KEY",
  "LLM_API_KEY",
  "*.LLM_API_KEY",
  "EMBED_API_KEY",
  "*.EMBED_API_KEY",
  "QDRANT_API_KEY",
  "*.QDRANT_API_KEY",
  "THINK_LLM_API_KEY",
  "*.THINK_LLM_API_KEY",
  "req.headers.authorization",
  "headers.authorization",
];

/** JSON logs with the service name on every line; LOG_PRETTY is left to `pino-pretty` users. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({ level, base: { service }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } });
}
