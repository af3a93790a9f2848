import { createHash } from "node:crypto";
import type { CollectionSpec, Filter, VectorQuery, VectorRecord } from "../port.ts";
import { documentVector, queryVector } from "./bm25.ts";

/*
 * Every request body the Qdrant adapter sends, built by pure functions so that a test can validate
 * each against Qdrant's published OpenAPI schema (no Qdrant server runs where this is developed).
 */

export const DENSE = "dense";
export const SPARSE = "bm25";

/** Qdrant ids are UUIDs or integers: a 32-hex-digit chunk id becomes a UUID; the original stays in the payload. */
export function pointId(id: string): string {
  const hex = /^[0-9a-f]{32}$/i.test(id) ? id.toLowerCase() : hashHex(id);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The physical collection behind alias `spec.name`: model and dimension are part of its name. */
export function physicalName(spec: CollectionSpec): string {
  const slug = spec.model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 40);
  return `${spec.name}__${slug}_${spec.dimension}d_${hashHex(spec.model).slice(0, 6)}`;
}

export const createCollectionBody = (spec: CollectionSpec) => ({
  vectors: { [DENSE]: { size: spec.dimension, distance: "Cosine" as const } },
  sparse_vectors: { [SPARSE]: { modifier: "idf" as const } },
});

export const createAliasBody = (alias: string, collection: string) => ({
  actions: [{ create_alias: { alias_name: alias, collection_name: collection } }],
});

export const deleteAliasBody = (alias: string) => ({
  actions: [{ delete_alias: { alias_name: alias } }],
});

export const upsertBody = (records: VectorRecord[]) => ({
  points: records.map((r) => ({
    id: pointId(r.id),
    vector: { [DENSE]: r.vector, [SPARSE]: documentVector(r.text) },
    payload: { ...r.payload, chunk_id: r.id, text: r.text },
  })),
});

export function filterBody(filter: Filter) {
  const must: object[] = [];
  const must_not: object[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === "object" && "gte" in value) must.push({ key, range: { gte: value.gte } });
    else if (typeof value === "object") must_not.push({ key, match: { value: value.not } });
    else must.push({ key, match: { value } });
  }
  return { must, must_not };
}

/** Every payload field, or the chosen ones and the chunk id a hit needs. */
const payloadSelector = (fields?: string[]) => (fields ? ["chunk_id", ...fields] : true);

export function queryBody(q: VectorQuery) {
  const filter = q.filter ? { filter: filterBody(q.filter) } : {};
  const common = { limit: q.limit, with_payload: payloadSelector(q.fields), ...filter };
  const dense = () => {
    if (!q.vector) throw new TypeError("a dense or hybrid query needs a vector");
    return { query: q.vector, using: DENSE };
  };
  const sparse = () => {
    if (!q.text) throw new TypeError("a sparse or hybrid query needs text");
    return { query: queryVector(q.text), using: SPARSE };
  };
  if (q.mode === "dense") return { ...dense(), ...common };
  if (q.mode === "sparse") return { ...sparse(), ...common };
  return {
    prefetch: [
      { ...dense(), limit: q.limit * 4, ...filter },
      { ...sparse(), limit: q.limit * 4, ...filter },
    ],
    query: { fusion: "rrf" as const },
    ...common,
  };
}

export const deleteBody = (filter: Filter) => ({ filter: filterBody(filter) });
export const countBody = (filter?: Filter) => ({
  exact: true,
  ...(filter ? { filter: filterBody(filter) } : {}),
});
export const retrieveBody = (ids: string[]) => ({ ids: ids.map(pointId), with_payload: true });
/** Payload indexes for the fields filters use, so deletes and filtered queries stay fast. */
export const payloadIndexBodies = () => [
  { field_name: "page_id", field_schema: "integer" as const },
  { field_name: "revision", field_schema: "integer" as const },
  { field_name: "title", field_schema: "keyword" as const },
];

function hashHex(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 32);
}
