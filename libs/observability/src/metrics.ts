import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * A registry per service with `service` as a default label and the process metrics. In the
 * one-process runner every service keeps its own registry, so their /metrics stay separate.
 */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
