/**
 * ws-bridge under load: `clients` WebSocket clients on /stream plus one that completes the handshake
 * and then never reads, while graph:add events arrive at `rate` per second for `seconds`. Measures
 * how late each article's NODE frame reaches every reading client, whether each got every frame,
 * what happened to the client that stopped reading, and the ws-bridge's resident memory (it runs in
 * its own process, under the `lumina up --processes` supervisor).
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamPublisher } from "@lumina/bus";
import { Supervisor } from "@lumina/cli";
import { GraphAdd } from "@lumina/events";
import { freePort, type RedisServerHandle, scrapeMetric, waitFor } from "@lumina/testing";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { percentiles } from "./chat.ts";

export interface WebSocketLoadResult {
  clients: number;
  seconds: number;
  events: number;
  frames_per_event: number;
  bytes_per_event: number;
  /** NODE frames received by the reading clients / expected */
  delivered: number;
  expected: number;
  clients_missing_frames: number;
  latency_ms: { p50: number; p95: number; p99: number; max: number };
  rss_mib: { before_clients: number; with_clients: number; max: number; end: number };
  slow_client: { disconnected: boolean; frames_dropped: number };
  ws_clients_at_end: number;
}

const rssMiB = (pid: number) => {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
};

export async function webSocketLoad(opts: {
  redisServer: RedisServerHandle;
  clients: number;
  seconds: number;
  rate: number;
  links: number;
  /** categories per article: they ride in the NODE frame, so they set its size */
  categories: number;
  maxBufferBytes: number;
  slowClientMs: number;
  say: (line: string) => void;
}): Promise<WebSocketLoadResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-ws-"));
  const [wsPort, metricsPort] = [await freePort(), await freePort()];
  const bridge = new Supervisor({
    envFor: () => ({
      ...(process.env as Record<string, string>),
      REDIS_URL: opts.redisServer.url,
      DATA_DIR: dataDir,
      WS_PORT: String(wsPort),
      METRICS_PORT: String(metricsPort),
      WS_MAX_BUFFER_BYTES: String(opts.maxBufferBytes),
      WS_SLOW_CLIENT_MS: String(opts.slowClientMs),
      LOG_LEVEL: "warn",
    }),
    logDir: join(dataDir, "logs"),
  });
  await bridge.start(["ws-bridge"]);
  const redis = new Redis(opts.redisServer.url);
  const sockets: WebSocket[] = [];
  try {
    const metrics = `http://127.0.0.1:${metricsPort}`;
    await waitFor("ws-bridge up", async () => (await fetch(`${metrics}/metrics`).catch(() => null))?.ok, {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const pid = bridge.services[0]?.pid as number;
    const rss = { before_clients: rssMiB(pid), with_clients: 0, max: 0, end: 0 };

    // The reading clients: each records when every article's NODE frame arrives.
    const sentAt: number[] = [];
    const latencies: number[] = [];
    const received = new Array<number>(opts.clients).fill(0);
    let bytesToFirst = 0; // what client 0 received for the benchmark's events
    for (let start = 0; start < opts.clients; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, opts.clients - start) }, (_, k) => {
          const c = start + k;
          const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/stream`);
          sockets.push(ws);
          ws.on("message", (data) => {
            const text = data.toString();
            if (c === 0 && text.includes('"Load ')) bytesToFirst += Buffer.byteLength(text);
            if (!text.startsWith('{"type":"NODE","id":"Load ')) return;
            const seq = Number(/"id":"Load (\d+)"/.exec(text)?.[1]);
            const at = sentAt[seq];
            if (at === undefined) return; // a welcome frame from an earlier run
            latencies.push(performance.now() - at);
            received[c] = (received[c] as number) + 1;
          });
          return new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
        }),
      );
    }
    // The client that stops reading: a handshake, then nothing read ever again.
    const slow = connect(wsPort, "127.0.0.1");
    let slowClosed = false;
    slow.on("close", () => {
      slowClosed = true;
    });
    slow.on("error", () => {});
    await new Promise((resolve) => slow.once("connect", resolve));
    slow.write(
      `GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.from("lumina-load-test").toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    slow.pause();
    await waitFor(
      "every client connected",
      async () => (await scrapeMetric(metrics, "ws_clients")) === opts.clients + 1,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    rss.with_clients = rssMiB(pid);
    rss.max = rss.with_clients;
    opts.say(
      `load: ${opts.clients} WebSocket clients and one that stopped reading; ws-bridge RSS ${rss.with_clients.toFixed(0)} MiB`,
    );

    // graph:add events at `rate` per second, each with `links` links (one NODE + `links` GRAPH_ADD frames).
    const publisher = new StreamPublisher({ redis });
    const summary = "A synthetic article for the load benchmark. ".repeat(14);
    const total = Math.round(opts.rate * opts.seconds);
    const started = performance.now();
    const sampler = setInterval(() => {
      rss.max = Math.max(rss.max, rssMiB(pid));
    }, 250);
    for (let seq = 0; seq < total; seq++) {
      const due = started + (seq * 1000) / opts.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt[seq] = performance.now();
      await publisher.publish(GraphAdd, {
        title: `Load ${seq}`,
        page_id: seq + 1,
        revision: 1,
        url: `https://en.wikipedia.org/wiki/Load_${seq}`,
        summary,
        fingerprint: `load-${seq}`,
        links: Array.from({ length: opts.links }, (_, l) => `Load benchmark link target number ${seq}-${l}`),
        categories: Array.from(
          { length: opts.categories },
          (_, k) => `Load benchmark category ${k}, as long as a typical Wikipedia category name`,
        ),
        sections: [{ heading: "Lead", level: 1, text: summary }],
        fetched_at: new Date().toISOString(),
      });
    }
    const expected = total * opts.clients;
    await waitFor("every reading client has every frame", () => received.every((n) => n >= total), {
      timeoutMs: 60_000,
      intervalMs: 100,
    }).catch(() => undefined);
    clearInterval(sampler);
    rss.end = rssMiB(pid);
    const dropped = await scrapeMetric(metrics, "ws_frames_dropped_total");
    const wsClients = await scrapeMetric(metrics, "ws_clients");
    slow.destroy();
    return {
      clients: opts.clients,
      seconds: opts.seconds,
      events: total,
      frames_per_event: 1 + opts.links,
      bytes_per_event: Math.round(bytesToFirst / total),
      delivered: received.reduce((a, b) => a + b, 0),
      expected,
      clients_missing_frames: received.filter((n) => n < total).length,
      latency_ms: percentiles(latencies),
      rss_mib: rss,
      slow_client: { disconnected: slowClosed || wsClients === opts.clients, frames_dropped: dropped },
      ws_clients_at_end: wsClients,
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    redis.disconnect();
    await bridge.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
