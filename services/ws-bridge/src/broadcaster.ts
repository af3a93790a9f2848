import type { Logger } from "@lumina/observability";
import { Counter, Gauge, type Registry } from "prom-client";
import type { WebSocket } from "ws";
import type { Frame } from "./domain/frames.ts";

/**
 * Sends frames to every connected client without letting a slow one hold the others back: `send` only
 * queues bytes on that client's socket. A client with more than `maxBufferBytes` still unsent misses
 * frames (counted in ws_frames_dropped_total); one that stays over the limit for `slowClientMs` is
 * disconnected, and can reconnect to get the recent articles again. Memory per client is therefore
 * bounded by about maxBufferBytes plus one entry's frames.
 */
export class Broadcaster {
  /** Each client, with the time it went over the buffer limit (0 while under it). */
  readonly #clients = new Map<WebSocket, { overSince: number }>();
  readonly #dropped: Counter;
  readonly #sent: Counter;

  constructor(
    private readonly opts: {
      maxBufferBytes: number;
      slowClientMs: number;
      logger: Logger;
      registry: Registry;
    },
  ) {
    this.#dropped = new Counter({
      name: "ws_frames_dropped_total",
      help: "Frames not sent to a slow client",
      registers: [opts.registry],
    });
    this.#sent = new Counter({
      name: "ws_frames_sent_total",
      help: "Frames sent, summed over clients",
      registers: [opts.registry],
    });
    const clients = this.#clients;
    new Gauge({
      name: "ws_clients",
      help: "Connected WebSocket clients",
      registers: [opts.registry],
      collect() {
        this.set(clients.size);
      },
    });
  }

  get size(): number {
    return this.#clients.size;
  }

  add(ws: WebSocket, welcome: Frame[]): void {
    this.#clients.set(ws, { overSince: 0 });
    ws.on("close", () => this.#clients.delete(ws));
    ws.on("error", () => this.#clients.delete(ws));
    this.#sendTo(
      ws,
      welcome.map((f) => JSON.stringify(f)),
    );
  }

  broadcast(frames: Frame[]): void {
    if (frames.length === 0) return;
    const messages = frames.map((f) => JSON.stringify(f));
    for (const ws of this.#clients.keys()) this.#sendTo(ws, messages);
  }

  closeAll(): void {
    for (const ws of this.#clients.keys()) ws.close(1001, "server stopping");
    this.#clients.clear();
  }

  #sendTo(ws: WebSocket, messages: string[]): void {
    const state = this.#clients.get(ws);
    if (!state || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.opts.maxBufferBytes) {
      this.#dropped.inc(messages.length);
      const now = Date.now();
      state.overSince ||= now;
      if (now - state.overSince > this.opts.slowClientMs) {
        this.opts.logger.warn({ buffered: ws.bufferedAmount }, "disconnecting a client that stopped reading");
        this.#clients.delete(ws);
        ws.terminate(); // it is not reading, so a close handshake would never be read either
      }
      return;
    }
    state.overSince = 0;
    for (const message of messages) ws.send(message);
    this.#sent.inc(messages.length);
  }
}
