import { readFileSync } from "node:fs";
import { fixture } from "@lumina/testing";
import { QdrantClient } from "@qdrant/js-client-rest";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { QdrantStore } from "../src/index.ts";
import {
  countBody,
  createAliasBody,
  deleteAliasBody,
  createCollectionBody,
  deleteBody,
  payloadIndexBodies,
  pointId,
  queryBody,
  retrieveBody,
  upsertBody,
} from "../src/qdrant/requests.ts";
import { describeVectorStore } from "./conformance.ts";

// No Qdrant server runs here: every body the adapter sends is checked against the schema Qdrant
// publishes for that operation (fixtures/schemas/qdrant-openapi.json, components.schemas).
const openapi = JSON.parse(readFileSync(fixture("schemas/qdrant-openapi.json"), "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true });
for (const f of [
  "uint",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "int32",
  "int64",
  "float",
  "double",
  "date-time",
  "uint128",
]) {
  ajv.addFormat(f, true);
}
ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addSchema({ components: toJsonSchema(openapi.components) }, "qdrant");
const check = (schema: string, body: unknown) => {
  const validate = ajv.getSchema(`qdrant#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  const ok = validate(body);
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

/** OpenAPI 3.0's `nullable` as JSON Schema: `{ nullable: true }` alone means null; with a type, type or null. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== "object") return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, toJsonSchema(v)]));
  if (nullable !== true) return out;
  if (Object.keys(out).filter((k) => k !== "description").length === 0) return { type: "null" };
  if (typeof out.type === "string") return { ...out, type: [out.type, "null"] };
  return { anyOf: [out, { type: "null" }] };
}

const record = {
  id: "0123456789abcdef0123456789abcdef",
  vector: [0.1, 0.2, 0.3],
  text: "Bodmin is a town in Cornwall",
  payload: { title: "Bodmin", page_id: 4, revision: 9, section: "Lead", chunk: 0, ts: "2026-11-23" },
};
const spec = { name: "chunks", dimension: 3, model: "universal-sentence-encoder-lite" };

describe("Qdrant request bodies match Qdrant's OpenAPI schema", () => {
  it.each([
    ["create_collection", "CreateCollection", createCollectionBody(spec)],
    ["update_aliases", "ChangeAliasesOperation", createAliasBody("chunks", "chunks__x")],
    ["update_aliases (drop)", "ChangeAliasesOperation", deleteAliasBody("chunks")],
    ["upsert_points", "PointInsertOperations", upsertBody([record])],
    ["query_points (dense)", "QueryRequest", queryBody({ mode: "dense", vector: [1, 0, 0], limit: 5 })],
    [
      "query_points (dense, chosen payload fields)",
      "QueryRequest",
      queryBody({ mode: "dense", vector: [1, 0, 0], limit: 5, fields: ["title"] }),
    ],
    [
      "query_points (sparse)",
      "QueryRequest",
      queryBody({ mode: "sparse", text: "Bodmin Cornwall", limit: 5 }),
    ],
    [
      "query_points (hybrid, filtered)",
      "QueryRequest",
      queryBody({
        mode: "hybrid",
        vector: [1, 0, 0],
        text: "Bodmin",
        limit: 5,
        filter: { page_id: 4, revision: { not: 8 }, ts: { gte: 1_700_000_000 } },
      }),
    ],
    ["delete_points", "PointsSelector", deleteBody({ page_id: 4, revision: { not: 9 } })],
    ["count_points", "CountRequest", countBody({ title: "Bodmin" })],
    ["get_points", "PointRequest", retrieveBody([record.id, "not-hex"])],
    ...payloadIndexBodies().map((b) => [`create_field_index ${b.field_name}`, "CreateFieldIndex", b]),
  ] as [string, string, unknown][])("%s", (_op, schema, body) => {
    expect(check(schema, body)).toEqual([]);
  });

  it("the check can fail: bodies Qdrant would reject are rejected", () => {
    expect(check("QueryRequest", { query: { fusion: "sum" } })).not.toEqual([]);
    expect(check("PointInsertOperations", { points: [{ id: "not-a-uuid", vector: [1] }] })).not.toEqual([]);
    expect(
      check("CreateCollection", { vectors: { dense: { size: 3, distance: "Manhattan-ish" } } }),
    ).not.toEqual([]);
  });

  it("maps chunk ids to stable UUIDs and builds BM25 sparse vectors with unique indices", () => {
    expect(pointId(record.id)).toBe("01234567-89ab-cdef-0123-456789abcdef");
    expect(pointId("x")).toBe(pointId("x"));
    const sparse = upsertBody([{ ...record, text: "Cornwall Cornwall Bodmin" }]).points[0]?.vector.bm25;
    expect(new Set(sparse?.indices).size).toBe(sparse?.indices.length);
    expect(sparse?.values.length).toBe(2);
  });
});

// The same conformance suite as LanceDB, against a real Qdrant when one is reachable.
const QDRANT_URL = process.env.QDRANT_URL;
describe.skipIf(!QDRANT_URL)(
  "Qdrant server (runs only when QDRANT_URL is set; none runs on the dev machines)",
  () => {
    describeVectorStore(
      "Qdrant",
      async () => new QdrantStore(QDRANT_URL as string),
      async () => {
        const client = new QdrantClient({ url: QDRANT_URL as string, checkCompatibility: false });
        for (const c of (await client.getCollections()).collections) {
          if (c.name.startsWith("chunks__")) await client.deleteCollection(c.name);
        }
      },
    );
  },
);
