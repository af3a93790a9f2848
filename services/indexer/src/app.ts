import { join } from "node:path";
import { StreamConsumer } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { GraphAdd } from "@lumina/events";
import { timedCheck } from "@lumina/observability";
import { type ConfigOf, Periodic, type ServiceApp, type ServiceDeps } from "@lumina/runtime";
import { CollectionUpkeep, upkeepSettings, type VectorStore } from "@lumina/vectors";
import type { IndexerConfig } from "./config.ts";
import { AdaptiveLinger } from "./domain/linger.ts";
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

/** Whether articles came in since the last PageRank, and when the last snapshot was written. */
interface Changes {
  unranked: boolean;
  lastSnapshot: number;
}

/** graph:add → chunks + embeddings in the vector store, the knowledge graph, PageRank, gap:req. */
export function buildService(deps: IndexerDeps): ServiceApp {
  const { config, logger, store, embedder } = deps;
  // The indexer owns `chunks`: its upkeep after every VECTOR_UPKEEP_WRITES commits, between them.
  const upkeep = new CollectionUpkeep(store, CHUNKS, {
    ...upkeepSettings(config),
    exclusive: (fn) => writer.exclusive(fn),
    onDone: (did) => logger.info({ collection: CHUNKS, did }, "vector store maintained"),
    onError: (err) => logger.error({ err, collection: CHUNKS }, "vector store maintenance failed"),
  });
  const linger = new AdaptiveLinger(config.INDEX_COMMIT_LINGER_MS);
  const writer = new GroupCommitWriter(
    store,
    () => linger.ms,
    () => upkeep.wrote(),
  );
  // the first snapshot comes one interval after start
  const changes: Changes = { unranked: false, lastSnapshot: Date.now() };
  const ranking = new Periodic(() => rankAndSnapshot(deps, changes), {
    intervalMs: config.PAGERANK_INTERVAL_MS,
    logger,
    what: "PageRank recompute or snapshot",
  });
  // A slow trickle of writes still gets upkeep, every INDEX_MAINTENANCE_S.
  const trickle = new Periodic(() => upkeep.runIfWritten(), {
    intervalMs: config.INDEX_MAINTENANCE_S * 1000,
    logger,
    what: "vector store maintenance",
  });
  return {
    capabilities: [
      "consumes graph:add",
      "writes collection chunks",
      "knowledge graph: page_link and semantic links, PageRank, snapshots",
      "publishes gap:req",
    ],
    consumers: [graphAddConsumer(deps, writer, linger, changes)],
    async start() {
      await store.ensureCollection({ name: CHUNKS, dimension: embedder.dimension, model: embedder.modelId });
      ranking.start();
      trickle.start();
    },
    async stop() {
      await Promise.all([ranking.stop(), trickle.stop(), upkeep.stop()]);
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

function graphAddConsumer(
  deps: IndexerDeps,
  writer: GroupCommitWriter,
  linger: AdaptiveLinger,
  changes: Changes,
): StreamConsumer<typeof GraphAdd> {
  const { config, redis } = deps;
  const handlerDeps = {
    redis,
    store: deps.store,
    writer,
    locks: new KeyedLock(),
    embedder: deps.embedder,
    publisher: deps.publisher,
    files: new GraphFiles(join(config.DATA_DIR, "graphs"), deps.consumerName),
    metrics: createIndexerMetrics(deps.registry, redis),
    settings: {
      chunkChars: config.CHUNK_CHARS,
      overlapChars: config.CHUNK_OVERLAP_CHARS,
      gapThreshold: config.GAP_THRESHOLD,
      minInDegree: config.GAP_MIN_INDEGREE,
      semanticLinks: config.SEMANTIC_LINKS,
      semanticMinScore: config.SEMANTIC_MIN_SCORE,
    },
    onEmbedded: (ms: number) => linger.observe(ms),
    onIndexed: () => {
      changes.unranked = true;
    },
  };
  return new StreamConsumer({
    ...deps.consumerDefaults,
    redis,
    contract: GraphAdd,
    group: "indexer",
    consumer: deps.consumerName,
    batchSize: 2 * config.INDEX_CONCURRENCY, // read ahead: the next articles wait in hand
    concurrency: config.INDEX_CONCURRENCY,
    handler: (event, ctx) => handleGraphAdd(event, ctx, handlerDeps),
  });
}

/** PageRank again when articles came in; a graph snapshot when SNAPSHOT_INTERVAL_S has passed. */
async function rankAndSnapshot({ config, redis }: IndexerDeps, changes: Changes): Promise<void> {
  if (!changes.unranked) return;
  changes.unranked = false;
  await recomputePageRank(redis);
  if (Date.now() - changes.lastSnapshot < config.SNAPSHOT_INTERVAL_S * 1000) return;
  changes.lastSnapshot = Date.now();
  await writeSnapshot(redis, join(config.DATA_DIR, "graphs"), config.SNAPSHOT_KEEP);
}
