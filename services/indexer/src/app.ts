import { join } from "node:path";
import { StreamConsumer } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { GraphAdd } from "@lumina/events";
import { timedCheck } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import type { VectorStore } from "@lumina/vectors";
import type { IndexerConfig } from "./config.ts";
import { GraphFiles } from "./graph-files.ts";
import { GroupCommitWriter, KeyedLock } from "./group-commit.ts";
import { CHUNKS, handleGraphAdd } from "./handlers/graph-add.ts";
import { createIndexerMetrics } from "./metrics.ts";
import { recomputePageRank } from "./pagerank.ts";
import { writeSnapshot } from "./snapshot.ts";

export type IndexerDeps = ServiceDeps<ConfigOf<typeof IndexerConfig>> & {
  store: VectorStore;
  embedder: Embedder;
};

/** graph:add → chunks + embeddings in the vector store, the knowledge graph, PageRank, gap:req. */
export function buildService(deps: IndexerDeps): ServiceApp {
  const { config, redis, logger, store, embedder } = deps;
  const metrics = createIndexerMetrics(deps.registry, redis);
  const files = new GraphFiles(join(config.DATA_DIR, "graphs"), deps.consumerName);
  const writer = new GroupCommitWriter(store, config.INDEX_COMMIT_LINGER_MS);
  const locks = new KeyedLock();
  let dirty = false;
  let written = false;
  let maintenance: NodeJS.Timeout | undefined;
  let maintaining: Promise<unknown> = Promise.resolve();
  const housekeeping = store.maintain?.bind(store);
  const maintain = () => {
    if (!written || !housekeeping) return;
    written = false;
    maintaining = writer
      .exclusive(() => housekeeping(CHUNKS))
      .then((did) => logger.info({ collection: CHUNKS, did }, "vector store maintained"))
      .catch((err) => logger.error({ err }, "vector store maintenance failed; retrying next time"));
  };
  let timer: NodeJS.Timeout | undefined;
  let ranking: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let lastSnapshot = Date.now(); // the first snapshot comes one interval after start
  const scheduleRank = () => {
    if (stopped) return; // a recompute finishing after stop() must not arm a new timer
    timer = setTimeout(() => {
      if (dirty) {
        dirty = false;
        ranking = recomputePageRank(redis)
          .then(async () => {
            if (Date.now() - lastSnapshot < config.SNAPSHOT_INTERVAL_S * 1000) return;
            lastSnapshot = Date.now();
            await writeSnapshot(redis, join(config.DATA_DIR, "graphs"), config.SNAPSHOT_KEEP);
          })
          .catch((err) => logger.error({ err }, "PageRank recompute or snapshot failed"));
      }
      void ranking.then(scheduleRank);
    }, config.PAGERANK_INTERVAL_MS);
  };
  return {
    capabilities: [
      "consumes graph:add",
      "writes collection chunks",
      "knowledge graph: page_link and semantic links, PageRank, snapshots",
      "publishes gap:req",
    ],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis,
        contract: GraphAdd,
        group: "indexer",
        consumer: deps.consumerName,
        batchSize: 2 * config.INDEX_CONCURRENCY, // read ahead: the next articles wait in hand
        concurrency: config.INDEX_CONCURRENCY,
        handler: (event, ctx) =>
          handleGraphAdd(event, ctx, {
            redis,
            store,
            writer,
            locks,
            embedder,
            publisher: deps.publisher,
            files,
            metrics,
            settings: {
              chunkChars: config.CHUNK_CHARS,
              overlapChars: config.CHUNK_OVERLAP_CHARS,
              gapThreshold: config.GAP_THRESHOLD,
              minInDegree: config.GAP_MIN_INDEGREE,
              semanticLinks: config.SEMANTIC_LINKS,
              semanticMinScore: config.SEMANTIC_MIN_SCORE,
            },
            onIndexed: () => {
              dirty = true;
              written = true;
            },
          }),
      }),
    ],
    async start() {
      await store.ensureCollection({ name: CHUNKS, dimension: embedder.dimension, model: embedder.modelId });
      scheduleRank();
      maintenance = setInterval(maintain, config.INDEX_MAINTENANCE_S * 1000);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(maintenance);
      await ranking;
      await maintaining;
    },
    readiness: async () => ({
      checks: { vectors: await timedCheck(() => store.count(CHUNKS)) },
      adapters: { vectors: store.kind, embedder: embedder.modelId },
      fallbacks: embedder.fallback
        ? [`embedder ${embedder.modelId} is a lexical stand-in, not a semantic model`]
        : [],
    }),
  };
}
