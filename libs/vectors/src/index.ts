export { type Ranked, reciprocalRankFusion, rrfScores, scoreFusion } from "./fusion.ts";
export { LanceDbStore, type LanceSearchOptions, toWhere } from "./lancedb-store.ts";
export type { RowSource } from "./resident-copy.ts";
export { type ResidentOptions, ResidentReads } from "./resident-reads.ts";
export { QdrantStore } from "./qdrant/qdrant-store.ts";
export {
  type CollectionSpec,
  CollectionMismatchError,
  type Filter,
  type Hit,
  type MaintainOptions,
  type Payload,
  type VectorQuery,
  type VectorRecord,
  type VectorStore,
} from "./port.ts";
export { openVectorStore, upkeepSettings, VectorStoreConfig } from "./config.ts";
export { CollectionUpkeep, type UpkeepOptions } from "./upkeep.ts";
