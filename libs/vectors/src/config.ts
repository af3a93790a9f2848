import { join } from "node:path";
import { type Static, Type } from "@sinclair/typebox";
import { LanceDbStore, type LanceSearchOptions } from "./lancedb-store.ts";
import type { VectorStore } from "./port.ts";
import { QdrantStore } from "./qdrant/qdrant-store.ts";

/** The variables that choose the vector store; every service that reads or writes vectors has them. */
export const VectorStoreConfig = Type.Object({
  VECTOR_STORE: Type.Union([Type.Literal("lancedb"), Type.Literal("qdrant")], {
    default: "lancedb",
    description: "lancedb: embedded, on disk under DATA_DIR/vectors; qdrant: the server at QDRANT_URL",
  }),
  QDRANT_URL: Type.String({ default: "http://127.0.0.1:6333", description: "used when VECTOR_STORE=qdrant" }),
  QDRANT_API_KEY: Type.Optional(Type.String({ description: "Qdrant API key, if the server needs one" })),
  VECTOR_UPKEEP_WRITES: Type.Integer({
    minimum: 1,
    default: 10,
    description:
      "LanceDB: each collection's owner compacts it, refreshes its indexes and prunes old versions after this many writes",
  }),
  // Readers move to a new version within 1 s, and a query under load can still be reading an older
  // one: at 1 s, 3 of 507 chat requests failed on removed files while ingesting (docs/benchmarks.md).
  VECTOR_KEEP_VERSIONS_S: Type.Integer({
    minimum: 5,
    default: 10,
    description:
      "LanceDB: table versions older than this are removed at upkeep (the current one never is), and upkeeps start at least this far apart; at least 5, since readers see a new version within 1 s and queries may still read an older one",
  }),
});

type VectorConfig = Static<typeof VectorStoreConfig>;

/** The upkeep settings for a collection's owner, from the config (see CollectionUpkeep). */
export const upkeepSettings = (config: VectorConfig) => ({
  everyWrites: config.VECTOR_UPKEEP_WRITES,
  keepVersionsMs: config.VECTOR_KEEP_VERSIONS_S * 1000,
});

/** Opens the configured store; the caller closes it. */
export async function openVectorStore(
  config: Static<typeof VectorStoreConfig> & { DATA_DIR: string },
  options: LanceSearchOptions = {},
): Promise<VectorStore> {
  return config.VECTOR_STORE === "qdrant"
    ? new QdrantStore(config.QDRANT_URL, config.QDRANT_API_KEY)
    : LanceDbStore.open(join(config.DATA_DIR, "vectors"), options);
}
