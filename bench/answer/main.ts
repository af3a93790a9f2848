/**
 * bench/answer — answer quality and chat overhead on the SQuAD v2 sample in
 * fixtures/qa/squad-small-normans-cct.json (2 articles, 87 paragraphs, 626 questions, 333 of them
 * unanswerable). Each paragraph is indexed as one chunk with the real embedder (USE-lite) in the real
 * store (LanceDB). The paragraphs are split in two, every other one (bench/answer/corpus.ts): the second
 * stage's weights are fitted on the questions of one half ("fit") and every figure below is reported on
 * the other ("held-out"). Then:
 * 1. retrieval: for every held-out answerable question, the rank of the paragraph holding the answer
 *    under dense search, BM25, RRF, normalised score fusion and score fusion + the second stage →
 *    hit@1, hit@5, MRR@10, and what the second stage costs per question;
 * 2. abstention: the extractive answerer + confidence, at several SUPPORT_FLOOR / SUPPORT_CEILING
 *    settings → share of unanswerable questions scored under LOW_CONFIDENCE (abstained) and share of
 *    answerable ones wrongly so, the AUROC between the two, and out-of-corpus abstention;
 * 3. overhead: a real rag-worker (extractive, so there is no generation) answering over HTTP against a
 *    real redis-server → server-side overhead_ms and HTTP round trip p50/p95.
 * Usage: npm run bench:answer -- [--requests 200] [--fit] [--fts-plain] [--env K=V …]
 *   --fit        refit the second stage on the "fit" half and write rerank-weights.ts
 *   --fts-plain  BM25 without LanceDB's default stemming and stop-word removal
 *   --env K=V    a setting of the rag-worker that part 3 measures (repeatable)
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UseLiteEmbedder } from "@lumina/embeddings";
import { start as startRagWorker } from "@lumina/rag-worker";
import {
  confidence,
  extractAnswer,
  type FusionName,
  fuse,
  RERANK_WEIGHTS,
  rerank,
  numbersOf,
  specificsFound,
} from "@lumina/rag-worker/domain";
import { startRedisServer } from "@lumina/testing";
import type { Hit } from "@lumina/vectors";
import { indexParagraphs, loadSquad, type Searched, searchAll } from "./corpus.ts";
import { candidatesOf, fitWeights, samplesOf, weightsModule } from "./rerank-fit.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "200" },
    fit: { type: "boolean", default: false },
    "fts-plain": { type: "boolean", default: false },
    env: { type: "string", multiple: true, default: [] },
  },
});
/** `--env K=V` (repeatable): settings for the rag-worker of part 3, e.g. `--env RERANK_CANDIDATES=0`. */
const extraEnv = Object.fromEntries(
  values.env.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);

const set = await loadSquad();
const { paragraphs, questions } = set;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))] as number;
const f = (x: number, d = 3) => x.toFixed(d);

const dir = await mkdtemp(join(tmpdir(), "lumina-bench-answer-"));
const embedder = await UseLiteEmbedder.load();
process.stderr.write(`bench/answer: indexing ${paragraphs.length} paragraphs with ${embedder.modelId}…\n`);
const fts = values["fts-plain"] ? { fts: { stem: false, removeStopWords: false } } : {};
const store = await indexParagraphs(dir, embedder, set, fts);
process.stderr.write(`bench/answer: embedding ${questions.length} questions and searching…\n`);
const all = await searchAll(store, embedder, questions);

let weights = RERANK_WEIGHTS;
if (values.fit) {
  weights = fitWeights(samplesOf(all.filter((s) => s.part === "fit" && !s.impossible)));
  const out = fileURLToPath(
    new URL("../../services/rag-worker/src/domain/rerank-weights.ts", import.meta.url),
  );
  const note = `Fitted on the ${all.filter((s) => s.part === "fit" && !s.impossible).length} answerable "fit" questions.`;
  await writeFile(out, weightsModule(weights, note));
  process.stderr.write(`bench/answer: second stage refitted → ${out}\n`);
}
const searched = all.filter((s) => s.part === "held-out");

type Method = "dense" | "bm25" | FusionName | "score-0.7" | "score + second stage";
const rerankMs: number[] = [];
const ranking = (s: Searched, m: Method): string[] => {
  if (m === "dense") return s.dense.map((h) => h.id);
  if (m === "score + second stage") {
    const candidates = candidatesOf(s);
    const t = performance.now();
    const order = rerank(s.question, candidates, weights).map((r) => r.id);
    rerankMs.push(performance.now() - t);
    return order;
  }
  if (m === "bm25") return s.sparse.map((h) => h.id);
  const fused = fuse(
    { dense: s.dense, sparse: s.sparse },
    m === "score-0.7" ? "score" : m,
    m === "score-0.7" ? 0.7 : 0.5,
  );
  return [...fused].sort((a, b) => b[1] - a[1]).map(([id]) => id);
};

/** The article a paragraph ("p12") belongs to. */
const titleOf = (id: string) => paragraphs[Number(id.slice(1))]?.title ?? "";

/**
 * The extractive answer over the top 5 and its confidence, as the rag-worker computes them: score
 * fusion, the second stage over the best 20, the answerer over the first 5.
 */
function answerOf(
  s: Pick<Searched, "question" | "dense" | "sparse">,
  floor: number,
  ceiling: number,
  useSpecifics = true,
) {
  const byId = new Map<string, Hit>([...s.sparse, ...s.dense].map((h) => [h.id, h]));
  const denseOf = new Map(s.dense.map((h) => [h.id, h.score]));
  const top = rerank(s.question, candidatesOf(s as Searched), weights)
    .slice(0, 5)
    .map((r) => r.id);
  const extracted = extractAnswer(
    s.question,
    top.map((id) => ({ id, text: byId.get(id)?.text ?? "" })),
  );
  const cited = extracted.citeIds.length > 0;
  const citedTexts = extracted.citeIds.map((id) => ({ title: titleOf(id), text: byId.get(id)?.text ?? "" }));
  const score = confidence({
    topDense: cited ? Math.max(...extracted.citeIds.map((id) => denseOf.get(id) ?? 0)) : undefined,
    coverage: extracted.coverage,
    cited,
    floor,
    ceiling,
    ...(useSpecifics ? { specifics: specificsFound(s.question, citedTexts) } : {}),
  });
  return { score, citeIds: extracted.citeIds };
}

/** Probability that an answerable question scores above an unanswerable one (ties count half). */
function auroc(positive: number[], negative: number[]): number {
  let wins = 0;
  for (const p of positive) for (const n of negative) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positive.length * negative.length);
}

const answerable = searched.filter((s) => !s.impossible);
console.log(
  `\n## Retrieval: paragraph holding the answer (${answerable.length} held-out answerable questions, ${paragraphs.length} paragraphs${values["fts-plain"] ? ", BM25 unstemmed" : ""})\n`,
);
console.log("| method | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|");
const methods: Method[] = ["dense", "bm25", "rrf", "score", "score-0.7", "score + second stage"];
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
// The same second stage fitted the other way round (on the held-out half, reported on the fit half):
// how much of its gain depends on which half it learnt from.
const reverse = fitWeights(samplesOf(all.filter((s) => s.part === "held-out" && !s.impossible)));
const fitHalf = all.filter((s) => s.part === "fit" && !s.impossible);
const hitAt1 = (ws: typeof weights, qs: Searched[]) =>
  qs.filter((s) => rerank(s.question, candidatesOf(s), ws)[0]?.id === s.paragraph).length / qs.length;
const fusedAt1 = fitHalf.filter((s) => candidatesOf(s)[0]?.id === s.paragraph).length / fitHalf.length;
console.log(
  `\nThe other way round (fitted on the held-out half, on the ${fitHalf.length} answerable questions of the fit half): ` +
    `score ${f(fusedAt1)} → score + second stage ${f(hitAt1(reverse, fitHalf))} hit@1.`,
);
console.log(
  `\nSecond stage: ${candidatesOf(answerable[0] as Searched).length} candidates re-ordered, ` +
    `${f(pct(rerankMs, 50), 2)} ms p50 / ${f(pct(rerankMs, 95), 2)} ms p95 a question (in-process).`,
);

const LOW = 0.4;
console.log(
  `\n## Abstention: extractive answer + confidence < ${LOW} (score fusion + second stage, top 5; held-out)\n`,
);
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
    const { score, citeIds } = answerOf(s, floor as number, ceiling as number);
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

// AUROC with and without the numbers check (the question's numbers missing from the cited text).
const aurocOf = (useSpecifics: boolean) => {
  const scored = searched.map((s) => ({
    impossible: s.impossible,
    score: answerOf(s, 0.15, 0.55, useSpecifics).score,
  }));
  return auroc(
    scored.filter((x) => !x.impossible).map((x) => x.score),
    scored.filter((x) => x.impossible).map((x) => x.score),
  );
};
const withNumbers = searched.filter((s) => numbersOf(s.question).length > 0);
console.log(
  `\nAUROC of the confidence, answerable vs unanswerable (floor 0.15 / ceiling 0.55): ${f(aurocOf(true))} ` +
    `(without the numbers check: ${f(aurocOf(false))}; ${withNumbers.length} of ${searched.length} ` +
    `held-out questions name a number, ${withNumbers.filter((s) => s.impossible).length} of them unanswerable).`,
);

// Out of corpus: questions about one article while only the other article is searchable (a filter), so
// nothing relevant is known; every such question should be abstained on.
let outAbstained = 0;
for (const s of answerable) {
  const own = paragraphs[Number(s.paragraph.slice(1))]?.title as string;
  const other = set.titles.find((t) => t !== own) as string;
  const filter = { title: other };
  const dense = await store.query("chunks", { mode: "dense", vector: s.vector, limit: 30, filter });
  const sparse = await store.query("chunks", { mode: "sparse", text: s.question, limit: 30, filter });
  const { score } = answerOf({ question: s.question, dense, sparse }, 0.15, 0.55);
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
  ...extraEnv,
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
