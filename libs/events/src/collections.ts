/**
 * Vector-store collections, each with one owner that writes it (docs/architecture.md); the others only
 * read. Every collection records its embedder's model id and dimension.
 */
export const COLLECTIONS = {
  /** Article chunks with dense and BM25 vectors; written by the indexer, read by the rag-worker. */
  chunks: "chunks",
  /** Folded reflection pads; written by the compressor, recalled by the rag-worker. */
  scratchMem: "scratch_mem",
  /** Every chat turn, recalled by similarity; written and read by the rag-worker. */
  chatLong: "chat_long",
  /** Users' messages, facts and episodes, searched per user; written by the memory service. */
  userMemory: "user_memory",
} as const;
