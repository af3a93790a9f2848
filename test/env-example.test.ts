import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { metricsPortVar, ModelsConfig, RunnerConfig, SERVICES } from "@lumina/cli";
import { serviceConfig } from "@lumina/runtime";
import { describe, expect, it } from "vitest";

const text = readFileSync(fileURLToPath(new URL("../.env.example", import.meta.url)), "utf8");
const documented = new Map(
  [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
);

describe(".env.example", () => {
  it("lists exactly the variables the code reads", () => {
    const read = new Set<string>([
      ...Object.keys(RunnerConfig.properties),
      ...Object.keys(ModelsConfig.properties),
    ]);
    for (const mod of SERVICES) {
      for (const key of Object.keys(serviceConfig(mod.METRICS_PORT, mod.CONFIG).properties)) read.add(key);
      read.add(metricsPortVar(mod.NAME));
    }
    expect([...documented.keys()].sort()).toEqual([...read].sort());
  });

  it("gives each variable the default the code uses", () => {
    for (const mod of SERVICES) {
      const schema = serviceConfig(mod.METRICS_PORT, mod.CONFIG);
      for (const [key, prop] of Object.entries(schema.properties)) {
        const def = (prop as { default?: unknown }).default;
        if (key === "METRICS_PORT" || key === "REDIS_URL" || def === undefined) continue; // differ by mode
        expect(documented.get(key), key).toBe(String(def));
      }
      expect(documented.get(metricsPortVar(mod.NAME))).toBe(String(mod.METRICS_PORT));
    }
    expect(documented.get("LOCAL_REDIS_PORT")).toBe(String(RunnerConfig.properties.LOCAL_REDIS_PORT.default));
    expect(documented.get("MODELS_BASE_URL")).toBe(ModelsConfig.properties.MODELS_BASE_URL.default);
  });
});
