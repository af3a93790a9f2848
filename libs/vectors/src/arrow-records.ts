import { createRequire } from "node:module";
import type * as Arrow from "apache-arrow";
import type { VectorRecord } from "./port.ts";

/**
 * apache-arrow as LanceDB loads it (CommonJS). An ES import would load the package's second build,
 * whose classes are not the ones LanceDB's schemas are made of, and Arrow tells types apart with
 * `instanceof`.
 */
const arrow = createRequire(import.meta.url)("apache-arrow") as typeof Arrow;
const { DataType, makeData, RecordBatch, Struct } = arrow;

/**
 * Records as an Arrow table of a collection's schema, built column by column. LanceDB's conversion
 * of plain rows pushes every float of every vector through an Arrow builder, one value at a time;
 * here the vectors are copied into one Float32Array. The other columns are converted as LanceDB
 * converts them. Undefined when the records do not fit the schema as it is (a field it lacks, a
 * vector of another length): the caller then hands LanceDB the rows, and LanceDB refuses them with
 * its own error.
 */
export function recordsTable(schema: Arrow.Schema, records: VectorRecord[]): Arrow.Table | undefined {
  try {
    return build(schema, records);
  } catch {
    return undefined; // a schema this code does not know how to fill: LanceDB converts the rows
  }
}

function build(schema: Arrow.Schema, records: VectorRecord[]): Arrow.Table | undefined {
  const names = new Set(schema.fields.map((f) => f.name));
  for (const r of records) for (const key of Object.keys(r.payload)) if (!names.has(key)) return undefined;
  const columns: Arrow.Data[] = [];
  for (const field of schema.fields) {
    const column = field.name === "vector" ? vectorColumn(field, records) : valueColumn(field, records);
    if (!column) return undefined;
    columns.push(column);
  }
  const rows = makeData({
    type: new Struct(schema.fields),
    length: records.length,
    nullCount: 0,
    children: columns,
  });
  return new arrow.Table(schema, [new RecordBatch(schema, rows)]);
}

function vectorColumn(field: Arrow.Field, records: VectorRecord[]): Arrow.Data | undefined {
  if (!DataType.isFixedSizeList(field.type)) return undefined;
  const type = field.type as Arrow.FixedSizeList;
  const item = type.children[0]?.type;
  if (!item || !DataType.isFloat(item) || item.precision !== 1) return undefined; // Float32 only
  const dim = type.listSize;
  const flat = new Float32Array(records.length * dim);
  for (const [i, r] of records.entries()) {
    if (r.vector.length !== dim) return undefined;
    flat.set(r.vector, i * dim);
  }
  const child = makeData({ type: item, length: flat.length, nullCount: 0, data: flat });
  return makeData({ type, length: records.length, nullCount: 0, child });
}

function valueColumn(field: Arrow.Field, records: VectorRecord[]): Arrow.Data | undefined {
  const value = (r: VectorRecord) =>
    field.name === "id" ? r.id : field.name === "text" ? r.text : r.payload[field.name];
  const big = DataType.isInt(field.type) && field.type.bitWidth === 64;
  const values = records.map((r) => {
    const v = value(r);
    if (v === undefined) return null;
    return big && typeof v === "number" ? BigInt(v) : v;
  });
  const column = arrow.vectorFromArray(values, field.type);
  return column.data.length === 1 ? column.data[0] : undefined;
}
