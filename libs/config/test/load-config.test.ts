import { Type } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, Port } from "../src/index.ts";

const Schema = Type.Object({
  REDIS_URL: Type.String({ default: "redis://127.0.0.1:6379" }),
  MAX_DELIVERIES: Type.Integer({ minimum: 1, default: 5 }),
  METRICS_PORT: Port(9300, "metrics and health"),
  DEBUG: Type.Boolean({ default: false }),
});

describe("loadConfig", () => {
  it("converts strings, applies defaults and freezes the result", () => {
    const config = loadConfig("crawler", Schema, { MAX_DELIVERIES: "7", DEBUG: "true", METRICS_PORT: "" });
    expect(config).toEqual({
      REDIS_URL: "redis://127.0.0.1:6379",
      MAX_DELIVERIES: 7,
      METRICS_PORT: 9300,
      DEBUG: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reports every bad variable in one error", () => {
    let error: unknown;
    try {
      loadConfig("crawler", Schema, { MAX_DELIVERIES: "many", METRICS_PORT: "70000" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(2);
    expect(message).toMatch(/invalid configuration for crawler/);
    expect(message).toMatch(/MAX_DELIVERIES: Expected integer, got "many"/);
    expect(message).toMatch(
      /METRICS_PORT: Expected integer to be less or equal to 65535, got "70000" \(metrics and health\)/,
    );
  });
});
