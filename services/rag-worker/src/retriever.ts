import type { Embedder } from "@lumina/embeddings";
import type { Hit, VectorStore } from "@lumina/vectors";
import type { Redis } from "ioredis";
import { applyPrior, type FusionName, fuse } from "./domain/fusion.ts";
import { rerank } from "./domain/rerank.ts";
import { subjectTitles } from "./domain/subject.ts";
import { MEMORY_MIN_SIMILARITY } from "./memory.ts";
import { type Stages, timed } from "./stages.ts";
import { COLLECTIONS, KG } from "@lumina/events";

export const CHUNKS = COLLECTIONS.chunks;
export const SCRATCH_MEM = COLLECTIONS.scratchMem;

export interface Source {
  id: string;
  title: string;
  url: string;
  revision: number;
  section: string;
  text: string;
  /** Cosine similarity of the chunk to the question (0 when only BM25 found it). */
  dense: number;
  /** The second stage's score (the fused score past its candidates): only the order means something. */
  score: number;
  /** What it is: a chunk (the default), or one of the user's facts cited as a source. */
  kind?: "chunk" | "fact";
}

export interface Retrieval {
  vector: number[];
  sources: Source[];
  /** Lumina's own reflections (scratch_mem) close to the question. */
  notes: string[];
  /** Best dense similarity among the candidates (undefined: nothing indexed). */
  topDense: number | undefined;
}

export interface RetrieverSettings {
  topK: number;
  candidates: number;
  fusion: FusionName;
  pagerankWeight: number;
  /** Fused candidates the second stage re-orders (0: none). */
  rerankCandidates: number;
  notes: number;
}

/**
 * Hybrid retrieval over `chunks`: dense (cosine) and BM25 candidates, fused (RRF or normalised scores),
 * re-weighted by the articles' PageRank (ZSET kg:pagerank), the best `rerankCandidates` re-ordered by
 * the second stage (domain/rerank.ts), best `topK` kept; plus recall over `scratch_mem`. Dense and
 * BM25 run as two queries so that each keeps its own scores.
 */
export class Retriever {
  constructor(
    private readonly deps: { store: VectorStore; embedder: Embedder; redis: Redis },
    private readonly settings: RetrieverSettings,
  ) {}

  async embed(question: string): Promise<number[]> {
    const [vector] = await this.deps.embedder.embed([question]);
    return vector ?? [];
  }

  /**
   * `vector` may still be on its way: the BM25 query starts at once, the dense ones when it arrives.
   * A question that asks what or who something is ("What is Bodmin?") gets the lead of the article of
   * that name first, when Lumina has read it.
   */
  async retrieve(
    question: string,
    vector: number[] | Promise<number[]>,
    settings: Partial<RetrieverSettings> = {},
    stages?: Stages,
  ): Promise<Retrieval> {
    const s = { ...this.settings, ...settings };
    const found = await this.#candidates(question, vector, s, stages);
    const { dense, sparse, lead } = found;
    const byId = new Map<string, Hit>([...sparse, ...dense, ...(lead ? [lead] : [])].map((h) => [h.id, h]));
    const denseScore = new Map([...dense, ...(lead ? [lead] : [])].map((h) => [h.id, h.score]));
    let fused = fuse({ dense, sparse }, s.fusion);
    if (s.pagerankWeight > 0 && fused.size > 0) {
      fused = await timed(stages, "pagerank", this.#withPrior(fused, byId, s.pagerankWeight));
    }
    const reranking = performance.now();
    const ranked = this.#secondStage(question, fused, byId, denseScore, sparse, s.rerankCandidates);
    stages?.set("rerank", performance.now() - reranking);
    if (lead) ranked.set(lead.id, Math.max(0, ...ranked.values()) + 1);
    const sources = [...ranked]
      .sort((a, b) => b[1] - a[1])
      .slice(0, s.topK)
      .map(([id, score]) => toSource(byId.get(id) as Hit, denseScore.get(id) ?? 0, score));
    return {
      vector: found.vector,
      sources,
      notes: found.notes.filter((n) => n.score > MEMORY_MIN_SIMILARITY).map((n) => n.text),
      topDense: Math.max(dense[0]?.score ?? -1, lead?.score ?? -1), // dense hits come best first
    };
  }

  async #withPrior(fused: Map<string, number>, byId: Map<string, Hit>, weight: number) {
    const titles = [...new Set([...byId.values()].map((h) => String(h.payload.title)))];
    const ranks = await this.deps.redis.zmscore(KG.pagerank, ...titles);
    const rankOf = new Map(titles.map((t, i) => [t, ranks[i] === null ? 0 : Number(ranks[i])]));
    return applyPrior(fused, (id) => rankOf.get(String(byId.get(id)?.payload.title)), weight);
  }

  /**
   * The best `top` fused candidates re-ordered by the second stage, placed above the rest (whose
   * fused scores stay, shifted below). `top` 0: the fused order as it is.
   */
  #secondStage(
    question: string,
    fused: Map<string, number>,
    byId: Map<string, Hit>,
    denseScore: Map<string, number>,
    sparse: Hit[],
    top: number,
  ): Map<string, number> {
    if (top === 0 || fused.size === 0) return fused;
    const order = [...fused].sort((a, b) => b[1] - a[1]);
    const bm25 = new Map(sparse.map((h) => [h.id, h.score]));
    const candidates = order.slice(0, top).map(([id, score]) => {
      const hit = byId.get(id) as Hit;
      const [title, section] = [String(hit.payload.title), String(hit.payload.section ?? "")];
      return {
        id,
        text: hit.text,
        title,
        section,
        dense: denseScore.get(id) ?? 0,
        sparse: bm25.get(id) ?? 0,
        fused: score,
      };
    });
    const reranked = rerank(question, candidates);
    const floor = Math.min(...reranked.map((r) => r.score));
    const rest = order.slice(top).map(([id, score]): [string, number] => [id, floor - 1 - 1 / (1 + score)]);
    return new Map([...reranked.map((r): [string, number] => [r.id, r.score]), ...rest]);
  }

  /** Dense and BM25 candidates, reflections, and the lead chunk of the article the question names. */
  async #candidates(
    question: string,
    vector: number[] | Promise<number[]>,
    s: RetrieverSettings,
    stages: Stages | undefined,
  ) {
    const { store } = this.deps;
    const time = <T>(name: string, work: Promise<T>) => timed(stages, name, work);
    const sparseHits = time(
      "bm25",
      store.query(CHUNKS, { mode: "sparse", text: question, limit: s.candidates }),
    );
    sparseHits.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    const v = await vector;
    const leadOf = (title: string) =>
      store.query(CHUNKS, { mode: "dense", vector: v, limit: 1, filter: { title, chunk: 0 } });
    const [dense, sparse, notes, leads] = await Promise.all([
      time("dense", store.query(CHUNKS, { mode: "dense", vector: v, limit: s.candidates })),
      sparseHits,
      s.notes > 0
        ? time("notes", store.query(SCRATCH_MEM, { mode: "dense", vector: v, limit: s.notes }))
        : Promise.resolve([]),
      time("lead", Promise.all(subjectTitles(question).map(leadOf))),
    ]);
    return { vector: v, dense, sparse, notes, lead: leads.find((l) => l.length > 0)?.[0] };
  }
}

function toSource(hit: Hit, dense: number, score: number): Source {
  return {
    id: hit.id,
    title: String(hit.payload.title),
    url: String(hit.payload.url),
    revision: Number(hit.payload.revision),
    section: String(hit.payload.section ?? ""),
    text: hit.text,
    dense,
    score,
  };
}
