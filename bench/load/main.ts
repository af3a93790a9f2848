/**
 * bench/load — issue #7's load figures. (1) 50 concurrent chat clients for 60 s against a rag-worker
 * in its own process, with the extractive answerer and with the tiny GGUF model in process (the
 * model's queue answers 503 with Retry-After when full), then with the default rate limit (429).
 * (2) 1,000 WebSocket clients on ws-bridge plus one that stops reading, graph:add events arriving
 * meanwhile: delivery, latency, what happens to the slow client, ws-bridge memory.
 * Usage: npm run bench:load -- [--part chat|ws|all] [--clients 50] [--seconds 60] [--ws-clients 1000]
 *        [--ws-seconds 60] [--rate 10] [--links 5] [--categories 100] [--max-buffer 262144] [--slow-ms 5000] [--json]
 */
import { parseArgs } from "node:util";
import { fixture, startRedisServer } from "@lumina/testing";
import { type ChatLoadResult, chatLoad, readCorpus } from "./chat.ts";
import { type WebSocketLoadResult, webSocketLoad } from "./websocket.ts";

const { values } = parseArgs({
  options: {
    part: { type: "string", default: "all" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "60" },
    "ws-clients": { type: "string", default: "1000" },
    "ws-seconds": { type: "string", default: "60" },
    rate: { type: "string", default: "10" },
    links: { type: "string", default: "5" },
    categories: { type: "string", default: "100" },
    "max-buffer": { type: "string", default: "262144" },
    "slow-ms": { type: "string", default: "5000" },
    json: { type: "boolean", default: false },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);
const say = (line: string) => process.stderr.write(`${line}\n`);
const ms = (x: number) => x.toFixed(1);

const redisServer = await startRedisServer();
const chats: ChatLoadResult[] = [];
let ws: WebSocketLoadResult | undefined;
try {
  if (values.part === "chat" || values.part === "all") {
    const corpus = await readCorpus(redisServer, say);
    const run = (mode: string, env: Record<string, string>, seconds = num("seconds")) =>
      chatLoad({
        mode,
        env: { ...corpus.env, ...env },
        articles: corpus.articles,
        clients: num("clients"),
        seconds,
        say,
      });
    try {
      chats.push(await run("extractive answerer, no rate limit", { RATE_LIMIT_PER_MIN: "0" }));
      chats.push(
        await run("stories260K.gguf in process, no rate limit", {
          RATE_LIMIT_PER_MIN: "0",
          LLM_MODEL_PATH: fixture("models/stories260K.gguf"),
          LLM_PROMPT_FORMAT: "plain",
          MAX_TOKENS: "48",
        }),
      );
      chats.push(
        await run(
          "extractive answerer, rate limit 120/min per client, loopback included",
          { RATE_LIMIT_LOOPBACK: "true" },
          20,
        ),
      );
    } finally {
      await corpus.close();
    }
  }
  if (values.part === "ws" || values.part === "all") {
    ws = await webSocketLoad({
      redisServer,
      clients: num("ws-clients"),
      seconds: num("ws-seconds"),
      rate: num("rate"),
      links: num("links"),
      categories: num("categories"),
      maxBufferBytes: num("max-buffer"),
      slowClientMs: num("slow-ms"),
      say,
    });
  }
} finally {
  await redisServer.stop();
}

if (values.json) process.stdout.write(`${JSON.stringify({ chats, ws }, null, 2)}\n`);
else {
  const lines: string[] = [""];
  for (const c of chats) {
    const statuses = Object.entries(c.statuses)
      .map(([s, n]) => `${s === "0" ? "connection failed" : s} × ${n}`)
      .join(", ");
    lines.push(
      `chat: ${c.clients} clients × ${c.seconds} s — ${c.mode}`,
      `  requests ${c.requests}: ${statuses}; 429/503 without Retry-After: ${c.missing_retry_after}`,
      `  latency, all answers   p50 ${ms(c.all_ms.p50)} ms, p95 ${ms(c.all_ms.p95)} ms, p99 ${ms(c.all_ms.p99)} ms, max ${ms(c.all_ms.max)} ms`,
      c.ok_ms
        ? `  latency, 200 answers   p50 ${ms(c.ok_ms.p50)} ms, p95 ${ms(c.ok_ms.p95)} ms, p99 ${ms(c.ok_ms.p99)} ms; ${c.answered_per_s.toFixed(1)} answers/s`
        : "  no 200 answer",
    );
  }
  if (ws) {
    lines.push(
      `websocket: ${ws.clients} reading clients + 1 that stopped reading, ${ws.events} graph:add over ${ws.seconds} s (${ws.frames_per_event} frames, ${ws.bytes_per_event} bytes each)`,
      `  delivered ${ws.delivered} of ${ws.expected} article frames; clients missing any: ${ws.clients_missing_frames}`,
      `  latency XADD → NODE frame   p50 ${ms(ws.latency_ms.p50)} ms, p95 ${ms(ws.latency_ms.p95)} ms, p99 ${ms(ws.latency_ms.p99)} ms, max ${ms(ws.latency_ms.max)} ms`,
      `  slow client: ${ws.slow_client.disconnected ? "disconnected" : "still connected"}, ${ws.slow_client.frames_dropped} frames dropped for it; ws_clients at end ${ws.ws_clients_at_end}`,
      `  ws-bridge RSS: ${ws.rss_mib.before_clients.toFixed(0)} MiB idle, ${ws.rss_mib.with_clients.toFixed(0)} MiB with the clients, max ${ws.rss_mib.max.toFixed(0)} MiB, end ${ws.rss_mib.end.toFixed(0)} MiB`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
