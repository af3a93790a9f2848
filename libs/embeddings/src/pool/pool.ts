import { LuminaError } from "@lumina/errors";
import type { EmbedderSettings } from "../config.ts";
import type { Lane, ModelInfo } from "./protocol.ts";
import { EmbedThread } from "./thread.ts";
import { numbers } from "../numbers.ts";

/**
 * Texts per job. A background caller's list is cut into jobs this size, so that the callers of a
 * process take turns and a chat query that finds the chat thread busy waits for one job at most
 * (USE-lite: about 70 ms a 128-token chunk on the development machine).
 */
const JOB_TEXTS: Record<Lane, number> = { interactive: 16, background: 4, idle: 4 };

/**
 * How long an `idle` job may wait behind indexing before it goes first: under a sustained stream of
 * chunks (a crawl budget raised past what the machine embeds) folding still goes on, a minute late.
 */
export const IDLE_MAX_WAIT_MS = 60_000;

interface Job {
  texts: string[];
  queuedAt: number;
  resolve(flat: Float32Array): void;
  reject(err: Error): void;
}

export interface PoolStats {
  /** Threads of each kind: the chat thread (`interactive`) and the shared ones (`background`). */
  threads: Record<"interactive" | "background", number>;
  queued: Record<Lane, number>;
  /** Texts embedded so far, by the lane they came in. */
  embedded: Record<Lane, number>;
}

/**
 * Worker threads that embed for every service of a process. Two kinds: `shared` threads (up to
 * `maxShared`, started as work queues up) take chat queries first and background work otherwise; one
 * `chat` thread, started for the first interactive caller, takes only chat queries, so a question
 * never waits behind a batch of chunks. Each thread loads its own copy of the model.
 */
export class EmbedderPool {
  private readonly queues: Record<Lane, Job[]> = { interactive: [], background: [], idle: [] };
  private readonly embedded: Record<Lane, number> = { interactive: 0, background: 0, idle: 0 };
  private readonly shared: EmbedThread[] = [];
  private chat: EmbedThread | undefined;
  private closed = false;

  constructor(
    private readonly config: EmbedderSettings,
    private readonly maxShared: number,
    private readonly idleMaxWaitMs = IDLE_MAX_WAIT_MS,
  ) {}

  /** The model's id and dimension, once a thread serving `lane` has loaded it (its error if it cannot). */
  info(lane: Lane): Promise<ModelInfo> {
    if (lane === "interactive") return this.chatThread().ready;
    return (this.shared[0] ?? this.startShared()).ready;
  }

  async embed(texts: string[], lane: Lane, dimension: number): Promise<number[][]> {
    if (this.closed) throw new LuminaError("embedder_closed", "the embedding pool is closed");
    const parts: Promise<Float32Array>[] = [];
    for (let start = 0; start < texts.length; start += JOB_TEXTS[lane]) {
      const slice = texts.slice(start, start + JOB_TEXTS[lane]);
      const queuedAt = Date.now();
      parts.push(
        new Promise((resolve, reject) => this.queues[lane].push({ texts: slice, queuedAt, resolve, reject })),
      );
    }
    this.pump();
    const out: number[][] = [];
    const done = await Promise.all(parts);
    this.embedded[lane] += texts.length;
    for (const flat of done)
      for (let i = 0; i < flat.length; i += dimension) out.push(numbers(flat, i, dimension));
    return out;
  }

  stats(): PoolStats {
    return {
      threads: { interactive: this.chat ? 1 : 0, background: this.shared.length },
      queued: {
        interactive: this.queues.interactive.length,
        background: this.queues.background.length,
        idle: this.queues.idle.length,
      },
      embedded: { ...this.embedded },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const gone = new LuminaError("embedder_closed", "the embedding pool closed before this job ran");
    this.rejectQueued(gone);
    await Promise.all([this.chat, ...this.shared].map((t) => t?.terminate()));
  }

  /** Gives every idle thread a job: chat queries first; starts a shared thread when work waits. */
  private pump(): void {
    if (this.closed) return;
    if (this.chat?.idle) this.start(this.chat, this.queues.interactive.shift());
    for (const thread of this.shared) if (thread.idle) this.start(thread, this.next());
    const { interactive, background, idle } = this.queues;
    const waiting = interactive.length + background.length + idle.length;
    const starting = this.shared.filter((t) => !t.idle).length; // busy or still loading
    if (waiting > 0 && starting >= this.shared.length && this.shared.length < this.maxShared)
      this.startShared();
  }

  /** A shared thread's next job: chat, then an idle job waited too long, then indexing, then idle. */
  private next(): Job | undefined {
    const { interactive, background, idle } = this.queues;
    const overdue = (idle[0]?.queuedAt ?? Infinity) <= Date.now() - this.idleMaxWaitMs;
    return interactive.shift() ?? (overdue ? idle.shift() : undefined) ?? background.shift() ?? idle.shift();
  }

  private start(thread: EmbedThread, job: Job | undefined): void {
    if (!job) return;
    thread
      .run(job.texts)
      .then(job.resolve, job.reject)
      .finally(() => this.pump());
  }

  private chatThread(): EmbedThread {
    this.chat ??= this.thread(false, () => (this.chat = undefined));
    return this.chat;
  }

  private startShared(): EmbedThread {
    const thread = this.thread(true, (lost) => this.shared.splice(this.shared.indexOf(lost), 1));
    this.shared.push(thread);
    return thread;
  }

  private thread(background: boolean, forget: (t: EmbedThread) => void): EmbedThread {
    const thread = new EmbedThread({ config: this.config, background }, (lost) => {
      forget(lost);
      this.pump();
    });
    thread.ready.then(
      () => this.pump(),
      (err: Error) => this.failQueued(err),
    );
    return thread;
  }

  /** A thread could not load the model: the jobs waiting would wait for ever. */
  private failQueued(err: Error): void {
    if (this.shared.some((t) => t.idle) || this.chat?.idle) return;
    this.rejectQueued(err);
  }

  private rejectQueued(err: Error): void {
    for (const queue of Object.values(this.queues)) for (const job of queue.splice(0)) job.reject(err);
  }
}
