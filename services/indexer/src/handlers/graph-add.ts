import type { DeliveryContext, StreamPublisher } from "@lumina/bus";
import type { Embedder } from "@lumina/embeddings";
import { COLLECTIONS, type EventOf, GapRequest, type GraphAdd } from "@lumina/events";
import type { VectorStore } from "@lumina/vectors";
import type { Redis } from "ioredis";
import { type Chunk, chunkSections } from "../domain/chunk.ts";
import { chunkRecord, embeddingText } from "../domain/chunk-records.ts";
import { findGaps } from "../domain/gaps.ts";
import type { GraphFiles } from "../graph-files.ts";
import type { GroupCommitWriter, KeyedLock } from "../group-commit.ts";
import {
  beginRevision,
  firstAsks,
  isPersonsChoice,
  KG,
  type LeadVector,
  linkStats,
  putNode,
  putSemanticLinks,
  recordSeedInterest,
} from "../knowledge-graph.ts";
import type { IndexerMetrics } from "../metrics.ts";

export const CHUNKS = COLLECTIONS.chunks;

export interface GraphAddDeps {
  redis: Redis;
  store: VectorStore;
  /** Chunk writes go through it, so concurrently handled articles share store commits. */
  writer: GroupCommitWriter;
  /** One article (page id) at a time, whatever the consumer's concurrency. */
  locks: KeyedLock;
  embedder: Embedder;
  publisher: StreamPublisher;
  files: GraphFiles;
  metrics: IndexerMetrics;
  settings: {
    chunkChars: number;
    overlapChars: number;
    gapThreshold: number;
    minInDegree: number;
    semanticLinks: number;
    semanticMinScore: number;
  };
  /** An article's chunks took this many ms to embed (the commit linger follows it). */
  onEmbedded?: (ms: number) => void;
  onIndexed: () => void;
}

/**
 * graph:add → chunks in the vector store, a node and its links in the knowledge graph, the article and a
 * journal line on disk, and gap:req for what it reveals Lumina does not know. Every step is idempotent
 * (deterministic chunk ids, upserts, set operations, a guard on gaps), so a redelivery after a crash at
 * any point converges on one node and one set of chunks.
 */
export function handleGraphAdd(
  article: EventOf<typeof GraphAdd>,
  ctx: DeliveryContext,
  deps: GraphAddDeps,
): Promise<void> {
  return deps.locks.run(String(article.page_id), () => indexArticle(article, ctx, deps));
}

type Article = EventOf<typeof GraphAdd>;

async function indexArticle(article: Article, _ctx: DeliveryContext, deps: GraphAddDeps): Promise<void> {
  const { settings } = deps;
  const chunks = chunkSections(
    article.page_id,
    article.revision,
    article.sections,
    settings.chunkChars,
    settings.overlapChars,
  );
  const lead = await writeChunks(article, chunks, deps);
  await recordNode(article, chunks.length, lead, deps);
  await askForGaps(article, chunks.length, deps);
  deps.metrics.articles.inc();
  deps.onIndexed();
}

/**
 * The revision's chunks and their vectors, once: a revision already indexed is not embedded again.
 * Returns the lead chunk's vector when it embedded one.
 */
async function writeChunks(
  article: Article,
  chunks: Chunk[],
  deps: GraphAddDeps,
): Promise<LeadVector | undefined> {
  const { redis, embedder, settings } = deps;
  const { page_id, revision, title } = article;
  const { done, begun } = await beginRevision(redis, page_id, revision);
  if (done === String(revision)) return undefined;
  const stop = deps.metrics.embedSeconds.startTimer();
  const vectors = await embedder.embed(chunks.map((c) => embeddingText(title, c)));
  deps.onEmbedded?.(stop() * 1000);
  await deps.writer.upsert(
    CHUNKS,
    chunks.map((c, i) => chunkRecord(article, c, vectors[i] as number[])),
  );
  // A new revision replaces the old; a page never written before has nothing to replace.
  const older = [done, begun].some((r) => r !== null && r !== String(revision));
  if (older) await deps.writer.delete(CHUNKS, { page_id, revision: { not: revision } });
  await redis.hset(KG.indexed, String(page_id), String(revision)); // only once the chunks are durable
  deps.metrics.vectors.inc(chunks.length);
  if (vectors[0] && settings.semanticLinks > 0) await linkSemantically(article, vectors[0], deps);
  return vectors[0] ? { vector: vectors[0], model: embedder.modelId } : undefined;
}

/** The article on disk, its node and links in the knowledge graph, a journal line. */
async function recordNode(
  article: Article,
  chunkCount: number,
  lead: LeadVector | undefined,
  deps: GraphAddDeps,
): Promise<void> {
  const { redis } = deps;
  const { page_id, revision, title } = article;
  await deps.files.saveArticle(article);
  await putNode(
    redis,
    {
      title,
      page_id,
      revision,
      url: article.url,
      summary: article.summary.slice(0, 2_000),
      fingerprint: article.fingerprint,
      ...(article.wikidata ? { wikidata: article.wikidata } : {}),
      ...(article.provenance ? { read_because: JSON.stringify(article.provenance) } : {}),
    },
    article.links,
  );
  if (article.provenance && isPersonsChoice(article.provenance.why))
    await recordSeedInterest(redis, title, article.summary, lead);
  await deps.files.journal({
    type: "node",
    title,
    page_id,
    revision,
    chunks: chunkCount,
    links: article.links.length,
  });
}

/** gap:req for what the article reveals Lumina does not know, each topic asked for once. */
async function askForGaps(article: Article, chunkCount: number, deps: GraphAddDeps): Promise<void> {
  const { redis, settings } = deps;
  const gaps = findGaps({
    title: article.title,
    chunkCount,
    gapThreshold: settings.gapThreshold,
    minInDegree: settings.minInDegree,
    links: await linkStats(redis, article.links),
  });
  const topics = gaps.map((g) => g.topic);
  const first = await firstAsks(redis, topics);
  const asks = gaps.filter((g) => first.has(g.topic)); // each topic asked for once
  await deps.publisher.publishMany(
    GapRequest,
    asks.map(({ topic, reason, score, parent }) => ({ topic, reason, score, source: "indexer", parent })),
  );
  for (const gap of asks) deps.metrics.gaps.inc({ reason: gap.reason });
}

/**
 * `semantic` links: other articles whose lead chunk (chunk 0) is close to this one's, by cosine
 * similarity of their embeddings, above `semanticMinScore`.
 */
async function linkSemantically(
  article: EventOf<typeof GraphAdd>,
  lead: number[],
  deps: GraphAddDeps,
): Promise<void> {
  const { semanticLinks, semanticMinScore } = deps.settings;
  const hits = await deps.store.query(CHUNKS, {
    mode: "dense",
    vector: lead,
    limit: semanticLinks * 4,
    filter: { chunk: 0, page_id: { not: article.page_id } },
    fields: ["title"],
  });
  const close = new Map<string, number>();
  for (const h of hits) {
    const title = String(h.payload.title);
    if (h.score >= semanticMinScore && !close.has(title) && close.size < semanticLinks)
      close.set(title, h.score);
  }
  await putSemanticLinks(
    deps.redis,
    article.title,
    [...close].map(([title, score]) => ({ title, score })),
  );
}
