import { Counter, Histogram, type Registry } from "prom-client";

export interface BusMetrics {
  published: Counter<"stream">;
  consumed: Counter<"stream" | "group" | "outcome">;
  reclaimed: Counter<"stream" | "group">;
  handlerSeconds: Histogram<"stream" | "group">;
}

/** Bus metrics on a service's registry: published, consumed by outcome, reclaimed, handler time. */
export function createBusMetrics(registry: Registry): BusMetrics {
  return {
    published: new Counter({
      name: "bus_events_published_total",
      help: "Events published to a stream",
      labelNames: ["stream"],
      registers: [registry],
    }),
    consumed: new Counter({
      name: "bus_events_consumed_total",
      help: "Stream entries handled, by outcome (acked, retried, dead_lettered)",
      labelNames: ["stream", "group", "outcome"],
      registers: [registry],
    }),
    reclaimed: new Counter({
      name: "bus_events_reclaimed_total",
      help: "Pending entries claimed from an idle or dead consumer",
      labelNames: ["stream", "group"],
      registers: [registry],
    }),
    handlerSeconds: new Histogram({
      name: "bus_handler_duration_seconds",
      help: "Time a handler took for one entry",
      labelNames: ["stream", "group"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
  };
}
