// A consumer process that reads one entry and hangs in its handler until it is killed (kill -9).
import { Redis } from "ioredis";
import { crawlConsumer } from "./fixtures.ts";

const redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
const consumer = crawlConsumer(redis, {
  group: "g",
  consumer: "doomed",
  reclaimIdleMs: 60_000,
  handler: async (event) => {
    process.stdout.write(`HANDLING ${event.url}\n`);
    await new Promise(() => {}); // never acks
  },
});
await consumer.start();
process.stdout.write("READY\n");
