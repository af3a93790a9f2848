import { QdrantClient } from "@qdrant/js-client-rest";
import {
  type CollectionSpec,
  CollectionMismatchError,
  type Filter,
  type Hit,
  type Payload,
  type VectorQuery,
  type VectorRecord,
  type VectorStore,
} from "../port.ts";
import {
  countBody,
  createAliasBody,
  createCollectionBody,
  deleteAliasBody,
  deleteBody,
  payloadIndexBodies,
  physicalName,
  queryBody,
  retrieveBody,
  upsertBody,
} from "./requests.ts";

/**
 * Qdrant (QDRANT_URL): a named dense vector (cosine) and a `bm25` sparse vector with the IDF modifier
 * per point; hybrid queries prefetch both and fuse them with RRF in Qdrant's Query API. The collection
 * name callers use is an alias of a physical collection whose name carries the embedder's model and
 * dimension, so reindexing means a new collection and an alias swap, and a mismatch is detected.
 */
export class QdrantStore implements VectorStore {
  readonly kind = "qdrant";
  readonly #client: QdrantClient;

  constructor(url: string, apiKey?: string) {
    this.#client = new QdrantClient({ url, ...(apiKey ? { apiKey } : {}), checkCompatibility: false });
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    const wanted = physicalName(spec);
    const { aliases } = await this.#client.getAliases();
    const current = aliases.find((a) => a.alias_name === spec.name)?.collection_name;
    if (current && current !== wanted) {
      const [, rest = ""] = current.split("__");
      const dim = Number(/_(\d+)d_[0-9a-f]{6}$/.exec(rest)?.[1] ?? 0);
      throw new CollectionMismatchError(
        { name: spec.name, model: rest.replace(/_\d+d_[0-9a-f]{6}$/, ""), dimension: dim },
        spec,
      );
    }
    if (current) return;
    if (!(await this.#client.collectionExists(wanted)).exists) {
      await this.#client.createCollection(wanted, createCollectionBody(spec));
      for (const body of payloadIndexBodies())
        await this.#client.createPayloadIndex(wanted, { wait: true, ...body });
    }
    await this.#client.updateCollectionAliases(createAliasBody(spec.name, wanted));
  }

  async dropCollection(name: string): Promise<void> {
    const { aliases } = await this.#client.getAliases();
    const current = aliases.find((a) => a.alias_name === name)?.collection_name;
    if (!current) return;
    await this.#client.updateCollectionAliases(deleteAliasBody(name));
    await this.#client.deleteCollection(current);
  }

  async upsert(collection: string, records: VectorRecord[]): Promise<void> {
    if (records.length > 0) await this.#client.upsert(collection, { wait: true, ...upsertBody(records) });
  }

  async delete(collection: string, filter: Filter): Promise<void> {
    await this.#client.delete(collection, { wait: true, ...deleteBody(filter) });
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    return (await this.#client.count(collection, countBody(filter))).count;
  }

  async query(collection: string, q: VectorQuery): Promise<Hit[]> {
    const { points } = await this.#client.query(collection, queryBody(q));
    return points.map((p) => toHit(p.payload ?? {}, p.score));
  }

  async get(collection: string, ids: string[]): Promise<Hit[]> {
    if (ids.length === 0) return [];
    const points = await this.#client.retrieve(collection, retrieveBody(ids));
    return points.map((p) => toHit(p.payload ?? {}, 1));
  }

  async close(): Promise<void> {}
}

function toHit(raw: Record<string, unknown>, score: number): Hit {
  const { chunk_id, text, ...rest } = raw;
  return { id: String(chunk_id), score, text: String(text ?? ""), payload: rest as Payload };
}
