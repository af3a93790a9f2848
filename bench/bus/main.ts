/**
 * bench/bus — events/s through publish → consume → ack, for Lumina's bus and for a raw ioredis loop
 * doing the same Redis work with the same batching (the baseline), plus `redis-benchmark` XADD as the
 * server's ceiling. Usage: npm run bench:bus -- [--events 100000] [--batch 100] [--rounds 3]
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { StreamConsumer, StreamPublisher } from "@lumina/bus";
import { CrawlRequest } from "@lumina/events";
import { startRedisServer } from "@lumina/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { median } from "../stats.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    batch: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const FIELDS = (i: number) => ["url", `Topic_${i}`, "prio", "1", "source", "bench"];

const server = await startRedisServer();
const redis = new Redis(server.url, { maxRetriesPerRequest: null });

async function rawRound(stream: string): Promise<number> {
  await redis.xgroup("CREATE", stream, "g", "0", "MKSTREAM");
  const reader = redis.duplicate();
  const started = performance.now();
  const produce = (async () => {
    for (let i = 0; i < EVENTS; i += BATCH) {
      const pipeline = redis.pipeline();
      for (let j = i; j < Math.min(i + BATCH, EVENTS); j++)
        pipeline.xadd(stream, "MAXLEN", "~", 1_000_000, "*", ...FIELDS(j));
      await pipeline.exec();
    }
  })();
  let acked = 0;
  while (acked < EVENTS) {
    const reply = (await reader.xreadgroup(
      "GROUP",
      "g",
      "c",
      "COUNT",
      BATCH,
      "BLOCK",
      1000,
      "STREAMS",
      stream,
      ">",
    )) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    await redis.xack(stream, "g", ...entries.map(([id]) => id));
    acked += entries.length;
  }
  await produce;
  const seconds = (performance.now() - started) / 1000;
  reader.disconnect();
  return EVENTS / seconds;
}

async function busRound(): Promise<number> {
  await redis.del(CrawlRequest.name);
  const publisher = new StreamPublisher({ redis, maxLen: 1_000_000 });
  let handled = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const consumer = new StreamConsumer({
    redis,
    contract: CrawlRequest,
    group: "g",
    consumer: "c",
    batchSize: BATCH,
    logger: pino({ level: "silent" }),
    handler: async () => {
      if (++handled === EVENTS) done();
    },
  });
  await consumer.start();
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += BATCH) {
    const events = [];
    for (let j = i; j < Math.min(i + BATCH, EVENTS); j++)
      events.push({ url: `Topic_${j}`, prio: 1, source: "bench" });
    await publisher.publishMany(CrawlRequest, events);
  }
  await finished;
  // the last batch is acked right after its handlers resolve: wait for the pending list to empty
  while (((await redis.xpending(CrawlRequest.name, "g")) as [number])[0] > 0)
    await new Promise((r) => setTimeout(r, 1));
  const seconds = (performance.now() - started) / 1000;
  await consumer.stop();
  return EVENTS / seconds;
}

function redisBenchmark(): number {
  const out = execFileSync(
    "redis-benchmark",
    [
      "-p",
      String(server.port),
      "-n",
      String(EVENTS),
      "-P",
      String(BATCH),
      "-q",
      "XADD",
      "rb",
      "*",
      ...FIELDS(0),
    ],
    { encoding: "utf8" },
  );
  const match = /([\d.]+) requests per second/.exec(out);
  return match ? Number(match[1]) : Number.NaN;
}

const raw: number[] = [];
const bus: number[] = [];
console.error(`bench/bus: ${EVENTS} events, batches of ${BATCH}, ${ROUNDS} rounds (median reported)`);
for (let r = 0; r < ROUNDS; r++) {
  raw.push(await rawRound(`raw:${r}`));
  bus.push(await busRound());
  await redis.flushall();
  console.error(`  round ${r + 1}: raw ${raw[r]?.toFixed(0)} ev/s, bus ${bus[r]?.toFixed(0)} ev/s`);
}
let xadd = Number.NaN;
try {
  xadd = redisBenchmark();
} catch (err) {
  console.error(`redis-benchmark unavailable: ${String(err)}`);
}
const ratio = median(bus) / median(raw);
console.log(
  [
    "",
    `| measure (${EVENTS} events, batch ${BATCH}, median of ${ROUNDS}) | events/s |`,
    "|---|---|",
    `| redis-benchmark XADD only, pipeline ${BATCH} (server ceiling, no consume) | ${xadd.toFixed(0)} |`,
    `| raw ioredis XADD → XREADGROUP → XACK (baseline) | ${median(raw).toFixed(0)} |`,
    `| Lumina bus publishMany → StreamConsumer → ack | ${median(bus).toFixed(0)} |`,
    `| bus / baseline | ${(ratio * 100).toFixed(1)}% (target ≥ 50%) |`,
    "",
  ].join("\n"),
);
redis.disconnect();
await server.stop();
process.exitCode = ratio >= 0.5 ? 0 : 1;
