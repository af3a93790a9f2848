export { type ConsumerOptions, type DeliveryContext, type Handler, StreamConsumer } from "./consumer.ts";
export {
  appendDeadLetter,
  type DeadLetter,
  type DeadLetterMeta,
  DLQ_FIELDS,
  deadLetter,
  deadLetterFields,
} from "./dead-letter.ts";
export { describeError, LuminaError, NonRetryableError, RetryableError } from "@lumina/errors";
export { type FanoutEntry, type FanoutOptions, FanoutReader } from "./fanout.ts";
export { type BusMetrics, createBusMetrics } from "./metrics.ts";
export { type CrawlBacklog, crawlIdle, crawlQueueDepth, readCrawlBacklog } from "./crawl-backlog.ts";
export { type GroupInfo, readGroups } from "./groups.ts";
export { LuaScript } from "./lua-script.ts";
export { withRedisLock } from "./redis-lock.ts";
export { registerStreamGauges } from "./stream-gauges.ts";
export { type PublisherOptions, StreamPublisher } from "./publisher.ts";
export { claimStale, type RawEntry } from "./reclaim.ts";
export { closeRedis, connectRedis, execReplies, toArgs, toFields } from "./redis.ts";
export { redactUrl } from "./redis-url.ts";
