import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Connection, connect, type FtsOptions, Index, type Table } from "@lancedb/lancedb";
import type { Table as ArrowTable, Schema } from "apache-arrow";
import { messageOf } from "@lumina/errors";
import { recordsTable } from "./arrow-records.ts";
import { reciprocalRankFusion } from "./fusion.ts";
import {
  type CollectionSpec,
  CollectionMismatchError,
  type Filter,
  type Hit,
  type Payload,
  type MaintainOptions,
  type VectorQuery,
  type VectorRecord,
  type VectorStore,
} from "./port.ts";

/** ANN search knobs, used once a vector index exists (LanceDB's defaults otherwise). */
export interface LanceSearchOptions {
  /** IVF partitions probed per query: more is slower and more exact. */
  nprobes?: number;
  /** Candidates re-ranked with full vectors, as a multiple of the limit. */
  refineFactor?: number;
  /** HNSW search breadth (an `hnsw-sq` index): more is slower and more exact. */
  ef?: number;
  /** maintain() builds an HNSW-SQ index once a collection has this many rows (exact scan below). */
  annMinRows?: number;
  /**
   * For a reader beside a writer in another connection (the rag-worker beside the indexer): how stale
   * its view may get, in seconds, before a read checks for newer table versions. Unset: a connection
   * sees only its own writes after opening a table.
   */
  readConsistencySeconds?: number;
  /**
   * The full-text index's tokenizer (LanceDB's defaults when unset: simple split, lower case, no
   * stemming, stop words kept). bench/answer measures `{ stem: true, removeStopWords: true }`.
   */
  fts?: Partial<FtsOptions>;
}

const RESERVED = new Set(["id", "vector", "text", "_distance", "_score", "_rowid", "_relevance_score"]);

/**
 * The embedded default: one LanceDB table per collection under `dir`, a full-text (BM25) index on
 * `text`, cosine distance for vectors. The collection's model and dimension are kept in
 * `<name>.collection.json` beside the tables. Tables are created on the first upsert (LanceDB derives
 * the schema from the data).
 */
export class LanceDbStore implements VectorStore {
  readonly kind = "lancedb";
  readonly #tables = new Map<string, Table>();
  readonly #ftsReady = new Set<string>();
  /** The optimize running on each collection (upkeep, or a query's index refresh). */
  readonly #optimizing = new Map<string, Promise<unknown>>();
  /** Collections written since their full-text index was last brought up to date. */
  readonly #unindexed = new Set<string>();
  readonly #schemaOf = new Map<string, Schema>();

  private constructor(
    private readonly db: Connection,
    private readonly dir: string,
    private readonly search: LanceSearchOptions,
  ) {}

  static async open(dir: string, search: LanceSearchOptions = {}): Promise<LanceDbStore> {
    await mkdir(dir, { recursive: true });
    const options =
      search.readConsistencySeconds === undefined
        ? {}
        : { readConsistencyInterval: search.readConsistencySeconds };
    return new LanceDbStore(await connect(dir, options), dir, search);
  }

  /**
   * Builds an approximate index over the vectors (`maintain` builds HNSW-SQ on its own once a
   * collection is big enough). Without one, dense search is exact (a scan).
   * `subVectors` 32 gives 16 dimensions per PQ code for 512-d vectors. `hnsw-sq`: an HNSW graph over
   * scalar-quantised vectors in each of `partitions` IVF partitions (`subVectors` unused).
   */
  async buildVectorIndex(
    collection: string,
    partitions = 256,
    subVectors = 32,
    kind: "ivf-pq" | "hnsw-sq" = "ivf-pq",
  ): Promise<void> {
    const table = await this.#table(collection);
    if (!table) return;
    const config =
      kind === "hnsw-sq"
        ? Index.hnswSq({ numPartitions: partitions, distanceType: "cosine", m: 20, efConstruction: 300 })
        : Index.ivfPq({ numPartitions: partitions, numSubVectors: subVectors, distanceType: "cosine" });
    await table.createIndex("vector", { config, replace: true });
  }

  /**
   * Brings indexes up to date and compacts (`optimize`); builds an HNSW-SQ vector index when the
   * collection reaches `annMinRows` rows, and rebuilds it when it has grown by half since (rows added
   * after a build are found by a scan until the next optimize merges them).
   */
  async maintain(collection: string, options: MaintainOptions = {}): Promise<string> {
    const table = await this.#table(collection);
    if (!table) return "no table";
    const rows = await table.countRows();
    const min = this.search.annMinRows ?? 20_000;
    const marker = join(this.dir, `${collection}.ann.json`);
    const built = await readFile(marker, "utf8").then(
      (s) => (JSON.parse(s) as { rows: number }).rows,
      () => 0,
    );
    let did = "";
    if (rows >= min && (built === 0 || rows >= built * 1.5)) {
      await this.buildVectorIndex(collection, Math.max(1, Math.round(rows / 500_000)), 0, "hnsw-sq");
      await writeFile(marker, JSON.stringify({ rows, kind: "hnsw-sq", at: new Date().toISOString() }));
      did = `built an HNSW-SQ index over ${rows} rows; `;
    }
    const keepMs = options.keepVersionsMs ?? 7 * 86_400_000;
    await this.#optimizing.get(collection); // a query's index refresh, short: then ours
    const stats = await this.#optimize(collection, () =>
      table.optimize({ cleanupOlderThan: new Date(Date.now() - keepMs) }),
    );
    this.#unindexed.delete(collection);
    const { compaction, prune } = stats;
    return (
      `${did}optimized ${rows} rows: ${compaction.fragmentsRemoved} fragments into ${compaction.fragmentsAdded}, ` +
      `${prune.oldVersionsRemoved} old versions (${Math.round(prune.bytesRemoved / 1024)} KiB) removed`
    );
  }

  /** Fragments and versions of a collection's table: what upkeep keeps small. */
  async layout(collection: string): Promise<{ fragments: number; versions: number; bytes: number }> {
    const table = await this.#table(collection);
    if (!table) return { fragments: 0, versions: 0, bytes: 0 };
    const [stats, versions] = await Promise.all([table.stats(), table.listVersions()]);
    return {
      fragments: stats.fragmentStats.numFragments,
      versions: versions.length,
      bytes: stats.totalBytes,
    };
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    const file = join(this.dir, `${spec.name}.collection.json`);
    const existing = await readFile(file, "utf8").then(
      (s) => JSON.parse(s) as CollectionSpec,
      () => undefined,
    );
    if (existing && (existing.model !== spec.model || existing.dimension !== spec.dimension)) {
      throw new CollectionMismatchError(existing, spec);
    }
    if (!existing) await writeFile(file, `${JSON.stringify(spec, null, 2)}\n`);
  }

  async dropCollection(name: string): Promise<void> {
    this.#tables.get(name)?.close();
    this.#tables.delete(name);
    this.#ftsReady.delete(name);
    this.#unindexed.delete(name);
    this.#schemaOf.delete(name);
    if ((await this.db.tableNames()).includes(name)) await this.db.dropTable(name);
    await rm(join(this.dir, `${name}.collection.json`), { force: true });
    await rm(join(this.dir, `${name}.ann.json`), { force: true });
  }

  async upsert(collection: string, records: VectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = () =>
      records.map((r) => ({ id: r.id, vector: Array.from(r.vector), text: r.text, ...r.payload }));
    const table = await this.#table(collection);
    if (table) {
      const data = recordsTable(await this.#schema(table), records) ?? rows();
      await table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data);
    } else this.#tables.set(collection, await this.db.createTable(collection, rows()));
    await this.#ensureFts(collection);
    this.#unindexed.add(collection);
  }

  async delete(collection: string, filter: Filter): Promise<void> {
    const table = await this.#table(collection);
    if (table) await table.delete(toWhere(filter));
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const table = await this.#table(collection);
    if (!table) return 0;
    return filter ? table.countRows(toWhere(filter)) : table.countRows();
  }

  async query(collection: string, q: VectorQuery): Promise<Hit[]> {
    const table = await this.#table(collection);
    if (!table) return [];
    const where = q.filter ? toWhere(q.filter) : undefined;
    const dense = async () => {
      if (!q.vector) throw new TypeError("a dense or hybrid query needs a vector");
      let query = table
        .vectorSearch(q.vector)
        .distanceType("cosine")
        .select([...(await this.#columns(table, q.fields)), "_distance"])
        .limit(q.limit);
      if (this.search.nprobes) query = query.nprobes(this.search.nprobes);
      if (this.search.refineFactor) query = query.refineFactor(this.search.refineFactor);
      if (this.search.ef) query = query.ef(this.search.ef);
      if (where) query = query.where(where);
      return plainRows(await query.toArrow()).map((row) => toHit(row, 1 - Number(row._distance)));
    };
    const sparse = async () => {
      if (!q.text) throw new TypeError("a sparse or hybrid query needs text");
      if (!this.#ftsReady.has(collection) && !(await this.#hasFts(table))) return [];
      // Rows written after the index was built are found, but scored without the index's statistics:
      // bring the index up to date first (a no-op cost when nothing was written since).
      // Never beside the collection's upkeep (two optimize commits on one table conflict): while upkeep
      // runs, the query goes on with the index as it is, which upkeep is bringing up to date anyway.
      if (!this.#optimizing.has(collection) && this.#unindexed.delete(collection))
        await this.#optimize(collection, () => table.optimize());
      let query = table
        .search(q.text, "fts", "text")
        .select([...(await this.#columns(table, q.fields)), "_score"])
        .limit(q.limit);
      if (where) query = query.where(where);
      return plainRows(await query.toArrow()).map((row) => toHit(row, Number(row._score)));
    };
    if (q.mode === "dense") return dense();
    if (q.mode === "sparse") return sparse();
    const [d, s] = await Promise.all([dense(), sparse()]);
    return reciprocalRankFusion([d, s], q.limit);
  }

  async get(collection: string, ids: string[]): Promise<Hit[]> {
    const table = await this.#table(collection);
    if (!table || ids.length === 0) return [];
    const rows = await table
      .query()
      .select(await this.#columns(table))
      .where(`id IN (${ids.map(sqlString).join(", ")})`)
      .toArrow();
    return plainRows(rows).map((row) => toHit(row, 1));
  }

  /**
   * The table's latest version, whatever this connection's read-consistency interval (it moves to
   * that version); undefined while there is no table.
   */
  async version(collection: string): Promise<number | undefined> {
    const table = await this.#table(collection);
    if (!table) return undefined;
    await table.checkoutLatest();
    return table.version();
  }

  /** Every record's id (a resident copy reads these to find what changed). */
  async ids(collection: string): Promise<string[]> {
    const table = await this.#table(collection);
    if (!table) return [];
    const column = (await table.query().select(["id"]).toArrow()).getChild("id");
    return column ? Array.from(column, String) : [];
  }

  /** The records with these ids, vectors included (absent ids are skipped). */
  async records(collection: string, ids: string[]): Promise<VectorRecord[]> {
    const table = await this.#table(collection);
    if (!table || ids.length === 0) return [];
    const rows = await table
      .query()
      .select([...(await this.#columns(table)), "vector"])
      .where(`id IN (${ids.map(sqlString).join(", ")})`)
      .toArrow();
    return plainRows(rows).map((row) => {
      const { id, text, payload } = toHit(row, 1);
      return { id, text, payload, vector: floats(row.vector as ArrowVector) };
    });
  }

  async close(): Promise<void> {
    for (const table of this.#tables.values()) table.close();
    this.#tables.clear();
    this.db.close();
  }

  /** Runs an optimize of `collection`, known to others while it runs (one at a time per table). */
  async #optimize<T>(collection: string, fn: () => Promise<T>): Promise<T> {
    const run = fn();
    this.#optimizing.set(collection, run);
    try {
      return await run;
    } finally {
      if (this.#optimizing.get(collection) === run) this.#optimizing.delete(collection);
    }
  }

  /**
   * The collection's table, opened once; undefined while it does not exist. Another connection may
   * be creating it right now (the indexer writing the first chunks while the rag-worker answers): its
   * name is listed before its first version is written, and opening it then fails with "not found".
   * It has no rows yet either way, so it counts as absent until the next call.
   */
  async #table(name: string): Promise<Table | undefined> {
    const cached = this.#tables.get(name);
    if (cached) return cached;
    if (!(await this.db.tableNames()).includes(name)) return undefined;
    const table = await this.db.openTable(name).catch((err: unknown) => {
      if (/not found/i.test(messageOf(err))) return undefined;
      throw err;
    });
    if (!table) return undefined;
    this.#tables.set(name, table);
    await this.#hasFts(table);
    return table;
  }

  /**
   * Every column but the vector, or the id and the chosen `fields` that exist: hits never carry their
   * vectors, and converting 512 floats per hit from Arrow costs more than the search itself on small tables.
   */
  async #columns(table: Table, fields?: string[]): Promise<string[]> {
    const columns = (await this.#schema(table)).fields.map((f) => f.name).filter((n) => n !== "vector");
    return fields ? columns.filter((c) => c === "id" || fields.includes(c)) : columns;
  }

  async #schema(table: Table): Promise<Schema> {
    let schema = this.#schemaOf.get(table.name);
    if (!schema) {
      schema = await table.schema();
      this.#schemaOf.set(table.name, schema);
    }
    return schema;
  }

  /** Whether the table has its full-text index (possibly built by another connection since). */
  async #hasFts(table: Table): Promise<boolean> {
    const built = (await table.listIndices()).some((i) => i.columns.includes("text"));
    if (built) this.#ftsReady.add(table.name);
    return built;
  }

  async #ensureFts(name: string): Promise<void> {
    if (this.#ftsReady.has(name)) return;
    const table = await this.#table(name);
    if (!table) return;
    await table.createIndex("text", { config: Index.fts(this.search.fts), replace: true });
    this.#ftsReady.add(name);
  }
}

/**
 * A query's rows as plain objects, read column by column: Arrow's row proxies (`toArray()`) cost about
 * 1 ms a chat request in field look-ups, more than the rest of turning results into hits.
 */
function plainRows(table: ArrowTable): Record<string, unknown>[] {
  const rows = Array.from({ length: table.numRows }, (): Record<string, unknown> => ({}));
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name);
    if (!column) continue;
    let i = 0;
    for (const value of column) (rows[i++] as Record<string, unknown>)[field.name] = value;
  }
  return rows;
}

/** An Arrow vector column's value as a plain array (a loop: Array.from iterates float by float). */
interface ArrowVector {
  toArray(): ArrayLike<number>;
}
function floats(v: ArrowVector): number[] {
  const values = v.toArray();
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] as number;
  return out;
}

function toHit(row: Record<string, unknown>, score: number): Hit {
  const payload: Payload = {};
  for (const [key, value] of Object.entries(row)) {
    if (RESERVED.has(key)) continue;
    payload[key] = typeof value === "bigint" ? Number(value) : (value as string | number);
  }
  return { id: String(row.id), score, text: typeof row.text === "string" ? row.text : "", payload };
}

/** The filter as a SQL predicate; field names are checked, values quoted. */
export function toWhere(filter: Filter): string {
  const parts = Object.entries(filter).map(([field, value]) => {
    if (!/^[a-z_][a-z0-9_]*$/i.test(field))
      throw new TypeError(`invalid filter field ${JSON.stringify(field)}`);
    const [op, v] =
      typeof value !== "object" ? ["=", value] : "gte" in value ? [">=", value.gte] : ["!=", value.not];
    return `${field} ${op} ${typeof v === "number" ? String(v) : sqlString(v)}`;
  });
  return parts.length > 0 ? parts.join(" AND ") : "true";
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
