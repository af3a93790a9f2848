import { EmbedderConfig } from "@lumina/embeddings";
import { VectorStoreConfig } from "@lumina/vectors";
import { Type } from "@sinclair/typebox";

/** The indexer's own variables, on top of the base ones (libs/runtime). */
export const IndexerConfig = Type.Object({
  ...VectorStoreConfig.properties,
  ...EmbedderConfig.properties,
  INDEX_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 16,
    description: "articles indexed at once; their vector-store writes are combined into one commit",
  }),
  INDEX_COMMIT_LINGER_MS: Type.Integer({
    minimum: 0,
    maximum: 1000,
    default: 25,
    description:
      "a vector-store commit waits at least this long after its first article's chunks, so that articles finishing close together share it; longer when embedding is slow (over 200 ms an article): half of that, at most 500 ms",
  }),
  INDEX_MAINTENANCE_S: Type.Number({
    exclusiveMinimum: 0,
    default: 300,
    description:
      "upkeep of chunks (index merge, compaction, version pruning, ANN build) this often when fewer than VECTOR_UPKEEP_WRITES writes came in",
  }),
  ANN_INDEX_MIN_CHUNKS: Type.Integer({
    minimum: 1,
    default: 20_000,
    description:
      "LanceDB: build an HNSW index once collection chunks has this many rows (exact search below)",
  }),
  CHUNK_CHARS: Type.Integer({
    minimum: 200,
    default: 1200,
    description: "target chunk length in characters",
  }),
  CHUNK_OVERLAP_CHARS: Type.Integer({
    minimum: 0,
    default: 150,
    description: "text repeated between neighbouring chunks",
  }),
  GAP_THRESHOLD: Type.Integer({
    minimum: 0,
    default: 3,
    description:
      "an article with fewer chunks told too little: its unread links become sparse gaps (gap:req)",
  }),
  GAP_MIN_INDEGREE: Type.Integer({
    minimum: 1,
    default: 1,
    description:
      "an unread title linked from this many read articles is a dangling topic (gap:req); 1: every link counts, the planner ranks them",
  }),
  SEMANTIC_MIN_SCORE: Type.Number({
    minimum: -1,
    maximum: 1,
    default: 0.6,
    description: "a semantic link joins two articles whose lead chunks have at least this cosine similarity",
  }),
  SEMANTIC_LINKS: Type.Integer({
    minimum: 0,
    default: 5,
    description: "semantic links looked for per article",
  }),
  SNAPSHOT_INTERVAL_S: Type.Number({
    exclusiveMinimum: 0,
    default: 3600,
    description: "graph snapshot every …",
  }),
  SNAPSHOT_KEEP: Type.Integer({
    minimum: 1,
    default: 24,
    description: "snapshots kept under graphs/snapshots",
  }),
  PAGERANK_INTERVAL_MS: Type.Integer({
    minimum: 100,
    default: 5000,
    description: "PageRank is recomputed at most this often",
  }),
});
