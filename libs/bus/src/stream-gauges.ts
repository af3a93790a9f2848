import { deadLetterStream } from "@lumina/events";
import type { Redis } from "ioredis";
import { Gauge, type Registry } from "prom-client";
import { readGroups } from "./groups.ts";

/**
 * Gauges of the streams themselves, read from Redis at each scrape: length, entries pending per
 * consumer group (delivered, not acknowledged), the group's lag (not delivered yet) and dead letters.
 * One service exports them for every stream (ws-bridge, which reads them all), so each series exists once.
 */
export function registerStreamGauges(registry: Registry, redis: Redis, streams: readonly string[]): void {
  // Registered first, so that its collect() fills the other three before they are read.
  new Gauge({
    name: "bus_stream_length",
    help: "Entries in the stream (trimmed at STREAM_MAXLEN)",
    labelNames: ["stream"],
    registers: [registry],
    async collect() {
      for (const stream of streams) {
        const p = redis.pipeline().xlen(stream).xlen(deadLetterStream(stream));
        const [[, len] = [], [, dead] = []] = (await p.exec()) ?? [];
        this.set({ stream }, Number(len ?? 0));
        deadLetters.set({ stream }, Number(dead ?? 0));
        for (const g of await readGroups(redis, stream)) {
          pending.set({ stream, group: g.name }, g.pending);
          lag.set({ stream, group: g.name }, g.lag ?? 0);
        }
      }
    },
  });
  const pending = new Gauge({
    name: "bus_stream_pending",
    help: "Entries delivered to a consumer group and not acknowledged yet",
    labelNames: ["stream", "group"],
    registers: [registry],
  });
  const lag = new Gauge({
    name: "bus_stream_lag",
    help: "Entries not delivered to a consumer group yet",
    labelNames: ["stream", "group"],
    registers: [registry],
  });
  const deadLetters = new Gauge({
    name: "bus_dead_letters",
    help: "Entries in the stream's dead-letter stream <stream>:dlq",
    labelNames: ["stream"],
    registers: [registry],
  });
}
