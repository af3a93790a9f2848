import type { Static, TObject } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { LuminaError } from "@lumina/errors";

/** Every problem with the environment, reported together so a person can fix them in one go. */
export class ConfigError extends LuminaError {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(
      "config_invalid",
      `invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/**
 * Reads the variables named by `schema`'s properties from `env`, converts them (numbers, booleans),
 * applies defaults, validates, and returns a frozen object. Empty strings count as unset, so that
 * `FOO=` in an env file falls back to the default.
 */
export function loadConfig<S extends TObject>(
  service: string,
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): Readonly<Static<S>> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") raw[key] = value.trim();
  }
  const converted = Value.Convert(schema, Value.Default(schema, { ...raw }));
  const problems = [...Value.Errors(schema, converted)].map((e) => {
    const key = e.path.replace(/^\//, "");
    const got = key in raw ? `got ${JSON.stringify(raw[key])}` : "not set";
    const hint = e.schema.description ? ` (${e.schema.description})` : "";
    return `${key}: ${e.message}, ${got}${hint}`;
  });
  if (problems.length > 0) throw new ConfigError(service, problems);
  return Object.freeze(converted as Static<S>);
}
