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
