import type { EmbedderSettings } from "./config.ts";
import { embedderKind, loadInThread } from "./in-thread.ts";
import { pooledEmbedder } from "./pool/shared.ts";
import type { Lane } from "./pool/protocol.ts";
import type { Embedder } from "./port.ts";

export interface LoadOptions {
  /**
   * Whose texts these are: `interactive` (chat queries) go ahead of `background` (indexing, the
   * default), which goes ahead of `idle` (work that may wait for a burst of reading to end).
   */
  lane?: Lane;
}

/**
 * Loads the configured embedder; the caller closes it. A CPU-bound one (USE-lite) runs on the
 * process's pool of worker threads unless EMBED_THREADS=off, so that embedding never holds up the
 * event loop that serves HTTP and reads streams. The others already work off it: node-llama-cpp
 * computes on its own threads, the OpenAI-compatible embedder waits on the network, hashing is cheap.
 */
export async function loadEmbedder(config: EmbedderSettings, options: LoadOptions = {}): Promise<Embedder> {
  if (config.EMBED_THREADS !== "off" && (await embedderKind(config)) === "use-lite")
    return pooledEmbedder(config, options.lane ?? "background");
  return loadInThread(config);
}
