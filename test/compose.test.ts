import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SERVICES } from "@lumina/cli";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// No Docker engine runs here: the compose file is checked against the published Compose
// Specification schema and against the code (service names, ports), not started.
const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const SPEC = root("fixtures/schemas/compose-spec.json");

type Service = {
  build?: { dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  restart?: string;
  healthcheck?: { test: string[] };
  profiles?: string[];
  develop?: { watch: { path: string; action: string }[] };
  networks?: { default?: { aliases?: string[] } };
};
const compose = parse(readFileSync(root("docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};

describe("docker-compose.yml", () => {
  it("validates against the Compose Specification JSON schema", () => {
    const spec = JSON.parse(readFileSync(SPEC, "utf8"));
    delete spec.$schema; // draft-07, which Ajv's default meta-schema is
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(spec);
    const raw = parse(readFileSync(root("docker-compose.yml"), "utf8"), { merge: true });
    const ok = validate(raw);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the schema check can fail: an unknown key and a bad depends_on condition are rejected", () => {
    const spec = JSON.parse(readFileSync(SPEC, "utf8"));
    delete spec.$schema;
    const validate = new Ajv({ strict: false }).compile(spec);
    expect(validate({ services: { x: { image: "a", restrat: "always" } } })).toBe(false);
    expect(validate({ services: { x: { image: "a", depends_on: { y: { condition: "whenever" } } } } })).toBe(
      false,
    );
  });

  it("runs every service from ops/Dockerfile on its documented port, after Redis is healthy", () => {
    for (const mod of SERVICES) {
      const service = compose.services[mod.NAME];
      expect(service, mod.NAME).toBeDefined();
      expect(service?.build?.dockerfile).toBe("ops/Dockerfile");
      expect(service?.command).toEqual([`services/${mod.NAME}/src/main.ts`]);
      expect(service?.environment?.METRICS_PORT).toBe(mod.METRICS_PORT);
      expect(service?.environment?.REDIS_URL).toBe("redis://redis:6379");
      expect(service?.depends_on?.redis?.condition).toBe("service_healthy");
      expect(service?.healthcheck?.test.join(" ")).toContain("ops/healthcheck.mjs");
    }
    expect(compose.services["rag-worker"]?.environment?.CHAT_PORT).toBe(8000);
    // A one-shot model download the rag-worker waits for, without needing it to succeed.
    expect(compose.services["models-pull"]?.command).toEqual(["cli/src/main.ts", "models", "pull"]);
    expect(compose.services["models-pull"]?.restart).toBe("no");
    expect(compose.services["rag-worker"]?.depends_on?.["models-pull"]).toEqual({
      condition: "service_completed_successfully",
      required: false,
    });
    expect(compose.services.indexer?.environment?.VECTOR_STORE).toBe("qdrant");
    expect(compose.services.indexer?.depends_on?.qdrant?.condition).toBe("service_healthy");
    expect(compose.services["ws-bridge"]?.environment?.WS_PORT).toBe(7210);
  });

  it("keeps Redis durable (AOF) and health-checked", () => {
    const redis = compose.services.redis as Service;
    expect(redis.command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
    expect(redis.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("has a dev profile that live-reloads and answers to every service's host name", () => {
    const dev = compose.services["lumina-dev"] as Service;
    expect(dev.profiles).toEqual(["dev"]);
    expect(dev.develop?.watch.map((w) => w.path)).toEqual(
      expect.arrayContaining(["./libs", "./services", "./cli"]),
    );
    expect(dev.networks?.default?.aliases?.sort()).toEqual(SERVICES.map((s) => s.NAME).sort());
  });

  it("prometheus.yml scrapes every service on its metrics port", () => {
    const prom = parse(readFileSync(root("prometheus.yml"), "utf8")) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const job = prom.scrape_configs.find((c) => c.job_name === "lumina");
    const targets = job?.static_configs.flatMap((c) => c.targets).sort();
    expect(targets).toEqual(SERVICES.map((s) => `${s.NAME}:${s.METRICS_PORT}`).sort());
  });
});
