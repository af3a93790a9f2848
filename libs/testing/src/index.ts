export { diskBytes } from "./disk-bytes.ts";
export { freePort } from "./free-port.ts";
export { writeTestLora } from "./gguf-lora.ts";
export { scrapeMetric } from "./metrics.ts";
export { type RedisServerHandle, type RedisServerOptions, startRedisServer } from "./redis-server.ts";
export { waitFor } from "./wait-for.ts";
export { fixture } from "./fixture.ts";
export { startStack, type TestStack } from "./stack.ts";
