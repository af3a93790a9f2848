/**
 * bench/answer — answer quality and chat overhead on the SQuAD v2 sample in
 * fixtures/qa/squad-small-normans-cct.json (2 articles, 87 paragraphs, 626 questions, 333 of them
 * unanswerable). Each paragraph is indexed as one chunk with the real embedder (USE-lite) in the real
 * store (LanceDB); then:
 * 1. retrieval: for every answerable question, the rank of the paragraph holding the answer under dense
 *    search, BM25, RRF and normalised score fusion → hit@1, hit@5, MRR@10;
 * 2. abstention: the extractive answerer + confidence on every question, at several SUPPORT_FLOOR /
 *    SUPPORT_CEILING settings → share of unanswerable questions scored under LOW_CONFIDENCE (abstained)
 *    and share of answerable ones wrongly so;
 * 3. overhead: a real rag-worker (extractive, so there is no generation) answering over HTTP against a
 *    real redis-server → server-side overhead_ms and HTTP round trip p50/p95.
 * Usage: npm run bench:answer -- [--requests 200]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UseLiteEmbedder } from "@lumina/embeddings";
import { start as startRagWorker } from "@lumina/rag-worker";
import { confidence, extractAnswer, type FusionName, fuse } from "@lumina/rag-worker/domain";
import { fixture, startRedisServer } from "@lumina/testing";
import { type Hit, LanceDbStore } from "@lumina/vectors";

const { values } = parseArgs({ options: { requests: { type: "string", default: "200" } } });

interface Squad {
  data: {
    title: string;
    paragraphs: { context: string; qas: { question: string; is_impossible?: boolean }[] }[];
  }[];
}
const squad = JSON.parse(await readFile(fixture("qa/squad-small-normans-cct.json"), "utf8")) as Squad;
const paragraphs = squad.data.flatMap((a) =>
  a.paragraphs.map((p) => ({ title: a.title.replace(/_/g, " "), ...p })),
);
const questions = paragraphs.flatMap((p, index) =>
  p.qas.map((q) => ({ question: q.question, paragraph: `p${index}`, impossible: q.is_impossible === true })),
);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))] as number;
const f = (x: number, d = 3) => x.toFixed(d);

const dir = await mkdtemp(join(tmpdir(), "lumina-bench-answer-"));
const embedder = await UseLiteEmbedder.load();
const store = await LanceDbStore.open(join(dir, "vectors"));
process.stderr.write(`bench/answer: indexing ${paragraphs.length} paragraphs with ${embedder.modelId}…\n`);
await store.ensureCollection({ name: "chunks", dimension: embedder.dimension, model: embedder.modelId });
const vectors = await embedder.embed(paragraphs.map((p) => p.context));
await store.upsert(
  "chunks",
  paragraphs.map((p, i) => ({
    id: `p${i}`,
    vector: vectors[i] as number[],
    text: p.context,
    payload: {
      title: p.title,
      url: `https://en.wikipedia.org/wiki/${p.title}`,
      revision: 1,
      section: "",
      chunk: i,
    },
  })),
);

process.stderr.write(`bench/answer: embedding ${questions.length} questions and searching…\n`);
const qVectors = await embedder.embed(questions.map((q) => q.question));
const searched = await Promise.all(
  questions.map(async (q, i) => ({
    ...q,
    vector: qVectors[i] as number[],
    dense: await store.query("chunks", { mode: "dense", vector: qVectors[i] as number[], limit: 30 }),
    sparse: await store.query("chunks", { mode: "sparse", text: q.question, limit: 30 }),
  })),
);

type Method = "dense" | "bm25" | FusionName | "score-0.7";
const ranking = (s: (typeof searched)[number], m: Method): string[] => {
  if (m === "dense") return s.dense.map((h) => h.id);
  if (m === "bm25") return s.sparse.map((h) => h.id);
  const fused = fuse(
    { dense: s.dense, sparse: s.sparse },
    m === "score-0.7" ? "score" : m,
    m === "score-0.7" ? 0.7 : 0.5,
  );
  return [...fused].sort((a, b) => b[1] - a[1]).map(([id]) => id);
};

/** The extractive answer over the top 5 (score fusion) and its confidence, as the rag-worker computes it. */
function answerOf(question: string, dense: Hit[], sparse: Hit[], floor: number, ceiling: number) {
  const byId = new Map<string, Hit>([...sparse, ...dense].map((h) => [h.id, h]));
  const denseOf = new Map(dense.map((h) => [h.id, h.score]));
  const top = [...fuse({ dense, sparse }, "score")]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([id]) => id);
  const extracted = extractAnswer(
    question,
    top.map((id) => ({ id, text: byId.get(id)?.text ?? "" })),
  );
  const cited = extracted.citeIds.length > 0;
  const score = confidence({
    topDense: cited ? Math.max(...extracted.citeIds.map((id) => denseOf.get(id) ?? 0)) : undefined,
    coverage: extracted.coverage,
    cited,
    floor,
    ceiling,
  });
  return { score, citeIds: extracted.citeIds };
}

const answerable = searched.filter((s) => !s.impossible);
console.log(
  `\n## Retrieval: paragraph holding the answer (${answerable.length} answerable questions, ${paragraphs.length} paragraphs)\n`,
);
console.log("| method | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|");
const methods: Method[] = ["dense", "bm25", "rrf", "score", "score-0.7"];
for (const m of methods) {
  let h1 = 0;
  let h5 = 0;
  let mrr = 0;
  for (const s of answerable) {
    const rank = ranking(s, m).indexOf(s.paragraph) + 1;
    if (rank === 1) h1++;
    if (rank >= 1 && rank <= 5) h5++;
    if (rank >= 1 && rank <= 10) mrr += 1 / rank;
  }
  const n = answerable.length;
  console.log(`| ${m} | ${f(h1 / n)} | ${f(h5 / n)} | ${f(mrr / n)} |`);
}

const LOW = 0.4;
console.log(`\n## Abstention: extractive answer + confidence < ${LOW} (score fusion, top 5)\n`);
console.log(
  "| SUPPORT_FLOOR | SUPPORT_CEILING | unanswerable abstained | answerable abstained | answerable, cited paragraph right |",
);
console.log("|---|---|---|---|---|");
for (const [floor, ceiling] of [
  [0.1, 0.5],
  [0.15, 0.55],
  [0.2, 0.6],
  [0.25, 0.65],
  [0.3, 0.7],
]) {
  let impossibleAbstained = 0;
  let answerableAbstained = 0;
  let rightCited = 0;
  for (const s of searched) {
    const { score, citeIds } = answerOf(s.question, s.dense, s.sparse, floor as number, ceiling as number);
    const abstained = score < LOW;
    if (s.impossible && abstained) impossibleAbstained++;
    if (!s.impossible && abstained) answerableAbstained++;
    if (!s.impossible && !abstained && citeIds.includes(s.paragraph)) rightCited++;
  }
  const nImp = searched.length - answerable.length;
  console.log(
    `| ${floor} | ${ceiling} | ${f(impossibleAbstained / nImp)} | ${f(answerableAbstained / answerable.length)} | ${f(rightCited / answerable.length)} |`,
  );
}

// Out of corpus: questions about one article while only the other article is searchable (a filter), so
// nothing relevant is known; every such question should be abstained on.
let outAbstained = 0;
for (const s of answerable) {
  const own = paragraphs[Number(s.paragraph.slice(1))]?.title as string;
  const other = squad.data.map((a) => a.title.replace(/_/g, " ")).find((t) => t !== own) as string;
  const filter = { title: other };
  const dense = await store.query("chunks", { mode: "dense", vector: s.vector, limit: 30, filter });
  const sparse = await store.query("chunks", { mode: "sparse", text: s.question, limit: 30, filter });
  const { score } = answerOf(s.question, dense, sparse, 0.15, 0.55);
  if (score < LOW) outAbstained++;
}
console.log(
  `\nOut of corpus (each answerable question asked with only the other article searchable, floor 0.15 / ceiling 0.55): ` +
    `${f(outAbstained / answerable.length)} abstained (${outAbstained}/${answerable.length}).`,
);
await store.close();

// 3. Chat overhead through the real service.
const redis = await startRedisServer();
const rag = await startRagWorker({
  REDIS_URL: redis.url,
  DATA_DIR: dir,
  CHAT_PORT: "0",
  METRICS_PORT: "0",
  LOG_LEVEL: "warn",
  RATE_LIMIT_PER_MIN: "0",
});
const n = Number(values.requests);
process.stderr.write(`bench/answer: ${n} /chat requests to a real rag-worker…\n`);
const overhead: number[] = [];
const roundTrip: number[] = [];
for (let i = 0; i < n; i++) {
  const q = questions[(i * 7) % questions.length] as (typeof questions)[number];
  const t = performance.now();
  const res = await fetch(`${rag.urls.chat}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: q.question, session: `bench${i % 10}` }),
  });
  const body = (await res.json()) as { overhead_ms?: number };
  roundTrip.push(performance.now() - t);
  if (i >= 10) overhead.push(Number(body.overhead_ms)); // first requests warm up the model
}
console.log(
  `\n## Chat overhead excluding generation (extractive answerer, ${n} requests, first 10 as warm-up)\n`,
);
console.log("| measure | p50 ms | p95 ms |\n|---|---|---|");
console.log(
  `| server overhead_ms (embed, retrieve, memory, answer, bookkeeping) | ${f(pct(overhead, 50), 1)} | ${f(pct(overhead, 95), 1)} |`,
);
console.log(
  `| HTTP round trip | ${f(pct(roundTrip.slice(10), 50), 1)} | ${f(pct(roundTrip.slice(10), 95), 1)} |`,
);
await rag.stop();
await redis.stop();
await embedder.close();
await rm(dir, { recursive: true, force: true });
