import { LuminaError } from "@lumina/errors";

/** Flat metadata stored beside each vector (chunks: title, url, page_id, revision, section, chunk, ts). */
export type Payload = Record<string, string | number>;

export interface CollectionSpec {
  name: string;
  /** Vector length; every vector in the collection has it. */
  dimension: number;
  /** The embedder's model id: vectors from different models never share a collection. */
  model: string;
}

export interface VectorRecord {
  /** Deterministic (e.g. hash of page id, revision and chunk index), so writing again is an upsert. */
  id: string;
  vector: number[];
  /** The text BM25 / full-text search ranks. */
  text: string;
  payload: Payload;
}

export interface Hit {
  id: string;
  /** Higher is better; comparable only within one query mode. */
  score: number;
  text: string;
  payload: Payload;
}

/** Equality on payload fields, all of which must hold; `{ not: v }` for inequality, `{ gte: n }` for a lower bound. */
export type Filter = Record<string, string | number | { not: string | number } | { gte: number }>;

export interface VectorQuery {
  /** dense: nearest vectors (cosine); sparse: BM25 over text; hybrid: both, fused with reciprocal rank fusion. */
  mode: "dense" | "sparse" | "hybrid";
  vector?: number[];
  text?: string;
  limit: number;
  filter?: Filter;
  /**
   * The payload fields the hits carry (all when omitted; a hit's `text` is empty unless "text" is
   * listed). Reading fewer columns makes a small query markedly cheaper.
   */
  fields?: string[];
}

export interface MaintainOptions {
  /** Table versions older than this many ms are removed (the current one never is); default 7 days. */
  keepVersionsMs?: number;
}

/** A collection exists with another embedder's model or dimension: its vectors cannot be compared. */
export class CollectionMismatchError extends LuminaError {
  constructor(existing: CollectionSpec, wanted: CollectionSpec) {
    super(
      "collection_mismatch",
      `collection "${wanted.name}" holds ${existing.dimension}-d vectors from ${existing.model}, but the embedder in ` +
        `use is ${wanted.model} (${wanted.dimension}-d). Vectors from different models cannot be mixed: reindex into ` +
        `it again with the embedder in use (\`lumina reindex\`: rebuilt from DATA_DIR/graphs) or configure the embedder the collection was built with.`,
    );
  }
}

/**
 * Where chunk vectors live. Implementations: LanceDB (embedded, on disk) and Qdrant. Contract, checked
 * by the conformance suite against every adapter available:
 * - `ensureCollection` creates the collection or checks that it was built with the same model and
 *   dimension, throwing CollectionMismatchError otherwise;
 * - `dropCollection` removes a collection and its records (absent: nothing happens), so that it can be
 *   built again, possibly with another embedder;
 * - `upsert` with an existing id replaces that record; writes are durable when the promise resolves;
 * - `delete` removes every record matching the filter; `count` counts them (all records without one);
 * - `query` returns at most `limit` hits, best first, only among records matching the filter;
 * - `get` returns the records with those ids (absent ids are skipped).
 */
export interface VectorStore {
  readonly kind: string;
  ensureCollection(spec: CollectionSpec): Promise<void>;
  dropCollection(name: string): Promise<void>;
  upsert(collection: string, records: VectorRecord[]): Promise<void>;
  delete(collection: string, filter: Filter): Promise<void>;
  count(collection: string, filter?: Filter): Promise<number>;
  query(collection: string, query: VectorQuery): Promise<Hit[]>;
  get(collection: string, ids: string[]): Promise<Hit[]>;
  /**
   * Housekeeping after writes, for stores that need it (LanceDB: fold new rows into the indexes,
   * compact files, build the ANN index once the collection is big enough). Says what it did.
   * Call it when nothing else writes the collection.
   */
  maintain?(collection: string, options?: MaintainOptions): Promise<string>;
  close(): Promise<void>;
}
