import { StreamConsumer } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { ThinkNote } from "@lumina/events";
import { type ConfigOf, Periodic, type ServiceApp, type ServiceDeps } from "@lumina/runtime";
import { CollectionUpkeep, upkeepSettings, type VectorStore } from "@lumina/vectors";
import { Counter, Histogram, type Registry } from "prom-client";
import type { CompressorConfig } from "./config.ts";
import { sweepDeadlines } from "./deadline-sweep.ts";
import { PadFolder, SCRATCH_MEM } from "./folder.ts";
import { handleThinkNote } from "./handlers/think-note.ts";

export type CompressorDeps = ServiceDeps<ConfigOf<typeof CompressorConfig>> & {
  store: VectorStore;
  embedder: Embedder;
};

/** think:note and pad deadlines → pads folded into scratch_mem, deleted, and pad:compressed published. */
export function buildService(deps: CompressorDeps): ServiceApp {
  const { config, redis, registry, store, embedder } = deps;
  const upkeep = new CollectionUpkeep(store, SCRATCH_MEM, {
    ...upkeepSettings(config),
    onDone: (did) => deps.logger.info({ collection: SCRATCH_MEM, did }, "vector store maintained"),
    onError: (err) => deps.logger.error({ err, collection: SCRATCH_MEM }, "vector store maintenance failed"),
  });
  const folder = new PadFolder({
    redis,
    store,
    upkeep,
    embedder,
    publisher: deps.publisher,
    metrics: compressorMetrics(registry),
  });
  const sweep = new Periodic(() => sweepDeadlines(redis, folder, config.PAD_SAFETY_S * 1_000), {
    intervalMs: config.COMPRESS_SWEEP_MS,
    logger: deps.logger,
    what: "folding pads near their deadline",
  });
  return {
    capabilities: ["consumes think:note", "folds pads into scratch_mem", "publishes pad:compressed"],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis,
        contract: ThinkNote,
        group: "compressor",
        consumer: deps.consumerName,
        handler: (note) => handleThinkNote(note, { folder, redis, yieldMs: config.COMPRESS_YIELD_MS }),
      }),
    ],
    async start() {
      await store.ensureCollection({
        name: SCRATCH_MEM,
        dimension: embedder.dimension,
        model: embedder.modelId,
      });
      sweep.start();
    },
    async stop() {
      await sweep.stop();
      await upkeep.stop();
    },
    readiness: async () => ({
      adapters: { vectors: store.kind, embedder: embedder.modelId },
      fallbacks: embedder.fallback ? [`embedder ${embedder.modelId} is a lexical stand-in`] : [],
    }),
  };
}

/** The compressor's metrics. */
function compressorMetrics(registry: Registry) {
  return {
    compressed: new Counter({
      name: "pads_compressed_total",
      help: "Scratchpads folded into scratch_mem (each pad counted once)",
      registers: [registry],
    }),
    seconds: new Histogram({
      name: "pad_compression_seconds",
      help: "Time to fold one pad: read, merge, embed, upsert, delete",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
