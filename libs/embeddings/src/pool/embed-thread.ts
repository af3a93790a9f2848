import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { LuminaError, messageOf } from "@lumina/errors";
import { loadInThread } from "../in-thread.ts";
import type { Embedder } from "../port.ts";
import type { ErrorReply, FromThread, ThreadSetup, ToThread } from "./protocol.ts";

/**
 * The nice value of a background thread. On Linux a thread's nice value is its own (setpriority on
 * "process 0" changes only the calling thread), so indexing gives way to the process's main thread
 * and its chat thread when they want the cores, and still has them when they do not. Not 19: the
 * value is weighed against every process of the machine, and at 19 a busy browser or test run beside
 * Lumina left indexing a few per cent of a core. Elsewhere it would change the whole process: left
 * alone there.
 */
const BACKGROUND_NICE = 5;

const setup = workerData as ThreadSetup;
const port = parentPort;
if (!port) throw new Error("embed-thread.ts runs inside the embedding pool's worker threads");
const post = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function reply(err: unknown): ErrorReply {
  return err instanceof LuminaError
    ? { code: err.code, message: err.message, retryable: err.retryable }
    : { code: "embedder_failed", message: messageOf(err), retryable: true };
}

async function serve(embedder: Embedder, { id, texts }: ToThread): Promise<void> {
  try {
    const vectors = await embedder.embed(texts);
    const flat = new Float32Array(vectors.length * embedder.dimension);
    vectors.forEach((v, i) => flat.set(v, i * embedder.dimension));
    post({ type: "done", id, flat }, [flat.buffer]);
  } catch (err) {
    post({ type: "error", id, ...reply(err) });
  }
}

if (setup.background && process.platform === "linux") setPriority(BACKGROUND_NICE);
try {
  const embedder = await loadInThread(setup.config);
  // One job at a time: the pool sends the next only after this one's reply.
  port.on("message", (job: ToThread) => void serve(embedder, job));
  post({
    type: "ready",
    modelId: embedder.modelId,
    dimension: embedder.dimension,
    fallback: embedder.fallback,
  });
} catch (err) {
  post({ type: "failed", ...reply(err) });
}
