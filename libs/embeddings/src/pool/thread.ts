import { Worker } from "node:worker_threads";
import { LuminaError } from "@lumina/errors";
import type { ErrorReply, FromThread, ModelInfo, ThreadSetup } from "./protocol.ts";

const WORKER = new URL("./worker.js", import.meta.url);

const asError = (e: ErrorReply) => new LuminaError(e.code, e.message, { retryable: e.retryable });

/** One worker thread of the pool with the embedder loaded in it; runs one job at a time. */
export class EmbedThread {
  readonly ready: Promise<ModelInfo>;
  /** Whether the thread may be given a job now (loaded, alive, not busy). */
  idle = false;
  private readonly worker: Worker;
  private current: { id: number; resolve(v: Float32Array): void; reject(e: Error): void } | undefined;
  private nextId = 0;
  private ended = false;

  constructor(
    setup: ThreadSetup,
    /** Called once when the thread ends unexpectedly (crash, exit); the pool then forgets it. */
    private readonly onLost: (thread: EmbedThread) => void,
  ) {
    // Referenced while it loads or runs a job, so that a process awaiting vectors stays alive for
    // them; idle, it never keeps a process from exiting.
    this.worker = new Worker(WORKER, { workerData: setup });
    let ready!: (info: ModelInfo) => void;
    let failed!: (err: Error) => void;
    this.ready = new Promise<ModelInfo>((res, rej) => ((ready = res), (failed = rej)));
    this.ready.catch(() => undefined); // the pool reads it; an unread failure is not a crash
    this.worker.on("message", (m: FromThread) => {
      if (m.type === "ready") {
        this.idle = true;
        this.worker.unref();
        ready(m);
      } else if (m.type === "failed") {
        failed(asError(m));
        this.lose();
      } else this.settle(m.type === "done" ? m.flat : asError(m));
    });
    const lost = (why: string) => {
      const err = new LuminaError("embedder_thread_lost", `an embedding thread ${why}`, { retryable: true });
      failed(err);
      this.settle(err);
      this.lose();
    };
    this.worker.on("error", (err) => lost(`failed: ${err.message}`));
    this.worker.on("exit", (code) => lost(`exited with code ${code}`));
  }

  /** Embeds texts on this thread; one vector of `dimension` numbers each, flat. */
  run(texts: string[]): Promise<Float32Array> {
    this.idle = false;
    this.worker.ref();
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.current = { id, resolve, reject };
      this.worker.postMessage({ id, texts });
    });
  }

  async terminate(): Promise<void> {
    this.ended = true;
    this.idle = false;
    await this.worker.terminate();
  }

  private settle(result: Float32Array | Error): void {
    const job = this.current;
    this.current = undefined;
    if (!job) return;
    this.worker.unref();
    if (!this.ended) this.idle = true;
    if (result instanceof Error) job.reject(result);
    else job.resolve(result);
  }

  private lose(): void {
    if (this.ended) return;
    this.ended = true;
    this.idle = false;
    this.onLost(this);
    void this.worker.terminate();
  }
}
