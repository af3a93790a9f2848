/**
 * bench/retrieval — query latency of the embedded vector store (LanceDB through Lumina's VectorStore
 * adapter) at 10K and 100K chunks, and recall@10 of its approximate (IVF-PQ or HNSW-SQ) dense search against an
 * exact scan. The chunks are SYNTHETIC: 512-d vectors drawn around 300 random centres (as embeddings
 * cluster by topic) and 60-word texts drawn from a Zipf-distributed 5,000-word vocabulary.
 * With --in-memory, also what the rag-worker's in-memory copy of `chunks` (ResidentReads) costs at
 * each size, before the ANN index is built: its first load, the memory it holds, and its dense
 * (exact) and BM25 query times in this thread, with the dense hits checked against the exact top 10.
 * Usage: npm run bench:retrieval -- [--sizes 10000,100000] [--queries 200] [--index ivf-pq|hnsw-sq] [--ef 100]
 *        [--in-memory]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LanceDbStore, ResidentReads, type VectorRecord } from "@lumina/vectors";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    queries: { type: "string", default: "200" },
    index: { type: "string", default: "ivf-pq" },
    ef: { type: "string", default: "100" },
    "in-memory": { type: "boolean", default: false },
  },
});
const DIM = 512;
const QUERIES = Number(values.queries);
let seed = 42;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const normalise = (v: Float32Array) => {
  const n = Math.hypot(...v) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n;
  return v;
};
const centres = Array.from({ length: 300 }, () => normalise(Float32Array.from({ length: DIM }, gauss)));
const around = (c: Float32Array, spread: number) =>
  normalise(Float32Array.from(c, (x) => x + spread * gauss()));
const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
const zipf = () => vocabulary[Math.min(4999, Math.floor(1 / (rand() + 1e-4)) - 1)] as string;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))] as number;

async function timed(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** The in-memory copy over the store in `dir`: load time, memory held, query times, dense recall. */
async function inMemory(
  dir: string,
  size: number,
  queries: { vector: number[]; text: string }[],
  exact: Set<string>[],
) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const held = new ResidentReads(await LanceDbStore.open(dir), {
    collections: ["chunks"],
    maxRows: Number.MAX_SAFE_INTEGER,
    syncMs: 3_600_000,
    fullText: true,
  });
  await held.syncAll();
  const loadS = (performance.now() - started) / 1000;
  globalThis.gc?.();
  const after = process.memoryUsage();
  const mb = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 2 ** 20;
  let qi = 0;
  let hits = 0;
  const dense = await timed(async () => {
    const i = qi++ % queries.length;
    const got = await held.query("chunks", {
      mode: "dense",
      vector: queries[i]?.vector as number[],
      limit: 10,
    });
    hits += got.filter((h) => exact[i]?.has(h.id)).length;
  }, QUERIES);
  const lead = await timed(
    () =>
      held.query("chunks", {
        mode: "dense",
        vector: queries[qi++ % queries.length]?.vector as number[],
        limit: 1,
        filter: { title: "Synthetic 7", chunk: 7 },
      }),
    QUERIES,
  );
  const sparse = await timed(
    () =>
      held.query("chunks", {
        mode: "sparse",
        text: queries[qi++ % queries.length]?.text as string,
        limit: 30,
      }),
    QUERIES,
  );
  await held.close();
  const ms = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)}`;
  return `${loadS.toFixed(1)} s | ${mb.toFixed(0)} MB (${((mb * 1024) / size).toFixed(1)} KB a chunk) | ${ms(dense)} | ${(hits / (QUERIES * 10)).toFixed(3)} | ${ms(lead)} | ${ms(sparse)}`;
}

const rows: string[] = [];
const memoryRows: string[] = [];
for (const size of (values.sizes as string).split(",").map(Number)) {
  const dir = await mkdtemp(join(tmpdir(), "lumina-bench-retrieval-"));
  const hnsw = values.index === "hnsw-sq";
  const store = await LanceDbStore.open(
    dir,
    hnsw ? { nprobes: 1, ef: Number(values.ef) } : { nprobes: 32, refineFactor: 10 },
  );
  await store.ensureCollection({ name: "chunks", dimension: DIM, model: "synthetic" });
  const vectors: Float32Array[] = [];
  process.stderr.write(`bench/retrieval: loading ${size} synthetic chunks…\n`);
  const loadStart = performance.now();
  for (let start = 0; start < size; start += 10_000) {
    const batch: VectorRecord[] = [];
    for (let i = start; i < Math.min(size, start + 10_000); i++) {
      const v = around(centres[Math.floor(rand() * centres.length)] as Float32Array, 0.08);
      vectors.push(v);
      batch.push({
        id: `c${i}`,
        vector: Array.from(v),
        text: Array.from({ length: 60 }, zipf).join(" "),
        payload: {
          title: `Synthetic ${i % 1000}`,
          page_id: i % 1000,
          revision: 1,
          section: "S",
          chunk: i,
          ts: "2026-11-23",
        },
      });
    }
    await store.upsert("chunks", batch);
  }
  const loadS = (performance.now() - loadStart) / 1000;
  const queries = Array.from({ length: QUERIES }, () => ({
    vector: Array.from(around(vectors[Math.floor(rand() * vectors.length)] as Float32Array, 0.05)),
    text: `${zipf()} ${zipf()} ${vocabulary[Math.floor(rand() * 500)]}`,
  }));
  // Exact top-10 by scanning every vector (the ground truth for recall).
  const exact = queries.map((q) => {
    const scores = vectors.map((v, i) => {
      let dot = 0;
      for (let j = 0; j < DIM; j++) dot += (v[j] as number) * (q.vector[j] as number);
      return [dot, i] as const;
    });
    return new Set(
      scores
        .sort((a, b) => b[0] - a[0])
        .slice(0, 10)
        .map(([, i]) => `c${i}`),
    );
  });
  let qi = 0;
  const next = () => queries[qi++ % QUERIES] as (typeof queries)[number];
  await store.query("chunks", { mode: "sparse", text: "warm up", limit: 10 }); // brings the text index up to date
  if (values["in-memory"])
    memoryRows.push(`| ${size.toLocaleString("en")} | ${await inMemory(dir, size, queries, exact)} |`);
  const denseExact = await timed(
    () => store.query("chunks", { mode: "dense", vector: next().vector, limit: 10 }),
    QUERIES,
  );
  const idxStart = performance.now();
  if (hnsw) await store.buildVectorIndex("chunks", 1, 0, "hnsw-sq");
  else await store.buildVectorIndex("chunks", Math.round(Math.sqrt(size))); // √N partitions, the usual rule
  const indexS = (performance.now() - idxStart) / 1000;
  let hits = 0;
  for (let i = 0; i < QUERIES; i++) {
    const got = await store.query("chunks", {
      mode: "dense",
      vector: queries[i]?.vector as number[],
      limit: 10,
    });
    hits += got.filter((h) => exact[i]?.has(h.id)).length;
  }
  const recall = hits / (QUERIES * 10);
  qi = 0;
  const dense = await timed(
    () => store.query("chunks", { mode: "dense", vector: next().vector, limit: 10 }),
    QUERIES,
  );
  const sparse = await timed(
    () => store.query("chunks", { mode: "sparse", text: next().text, limit: 10 }),
    QUERIES,
  );
  const hybrid = await timed(() => {
    const q = next();
    return store.query("chunks", { mode: "hybrid", vector: q.vector, text: q.text, limit: 10 });
  }, QUERIES);
  rows.push(
    `| ${size.toLocaleString("en")} | ${loadS.toFixed(0)} s | ${pct(denseExact, 50).toFixed(1)} / ${pct(denseExact, 95).toFixed(1)} | ${indexS.toFixed(0)} s | ${pct(dense, 50).toFixed(1)} / ${pct(dense, 95).toFixed(1)} | ${recall.toFixed(3)} | ${pct(sparse, 50).toFixed(1)} / ${pct(sparse, 95).toFixed(1)} | ${pct(hybrid, 50).toFixed(1)} / ${pct(hybrid, 95).toFixed(1)} |`,
  );
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
console.log(
  [
    "",
    `| chunks (synthetic) | load | dense exact scan p50 / p95 ms | ANN index build | dense ANN p50 / p95 ms | ANN recall@10 | BM25 p50 / p95 ms | hybrid p50 / p95 ms (n=${QUERIES}) |`,
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    ...(memoryRows.length > 0
      ? [
          `| chunks in memory | first load | memory held | dense exact p50 / p95 ms | recall@10 | lead (filtered) p50 / p95 ms | BM25 (30) p50 / p95 ms |`,
          "|---|---|---|---|---|---|---|",
          ...memoryRows,
          "",
        ]
      : []),
  ].join("\n"),
);
