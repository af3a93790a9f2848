import { availableParallelism } from "node:os";
import type { EmbedderSettings } from "../config.ts";
import type { Embedder } from "../port.ts";
import { EmbedderPool, type PoolStats } from "./pool.ts";
import type { Lane } from "./protocol.ts";

/** The pools of this process, one per embedder configuration, with how many handles use each. */
const pools = new Map<string, { pool: EmbedderPool; handles: number }>();

/** How many shared threads EMBED_THREADS asks for: auto is one per core. */
export function sharedThreads(setting: string): number {
  return setting === "auto" ? availableParallelism() : Number(setting);
}

/**
 * An Embedder whose work runs on the process's pool of threads: what the services get for a
 * CPU-bound model, the same port as the embedder itself. Closing the last handle ends the pool.
 */
export async function pooledEmbedder(config: EmbedderSettings, lane: Lane): Promise<Embedder> {
  const key = JSON.stringify([
    config.EMBEDDER,
    config.EMBED_MODEL_PATH,
    config.DATA_DIR,
    config.EMBED_THREADS,
  ]);
  let entry = pools.get(key);
  if (!entry) {
    entry = { pool: new EmbedderPool(config, sharedThreads(config.EMBED_THREADS)), handles: 0 };
    pools.set(key, entry);
  }
  const { pool } = entry;
  entry.handles++;
  let open = true;
  const release = async () => {
    if (!open || !entry) return;
    open = false;
    if (--entry.handles > 0) return;
    pools.delete(key);
    await pool.close();
  };
  try {
    const info = await pool.info(lane);
    return {
      ...info,
      embed: (texts: string[]) => pool.embed(texts, lane, info.dimension),
      close: release,
    };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Threads and queued jobs of every pool of this process (for metrics). */
export function poolStats(): PoolStats[] {
  return [...pools.values()].map((e) => e.pool.stats());
}
