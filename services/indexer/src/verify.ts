import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { VectorStore } from "@lumina/vectors";
import type { Redis } from "ioredis";
import { chunkSections } from "./domain/chunk.ts";
import { type ArticleFile, articleFileNames, readArticleFile } from "./graph-files.ts";
import { CHUNKS } from "./handlers/graph-add.ts";
import { KG } from "./knowledge-graph.ts";

/** One way the stores disagree, about one article (or the store as a whole when `title` is absent). */
export interface Difference {
  title?: string;
  page_id?: number;
  /** which pair of stores disagrees: graph (Redis), vectors, journal, articles (DATA_DIR/graphs/articles) */
  kind:
    | "node_missing"
    | "node_unexpected"
    | "node_revision"
    | "links"
    | "indexed_revision"
    | "chunks_missing"
    | "chunks_extra"
    | "chunks_orphaned"
    | "journal_missing";
  detail: string;
}

export interface VerifyReport {
  articles: number;
  nodes: number;
  chunks: number;
  journal_lines: number;
  differences: Difference[];
}

/**
 * Checks that the three places an article lives agree (docs/architecture.md, data on disk): its file under `graphs/articles`
 * (the latest revision read), its node in the knowledge graph (Redis), its chunks in the vector store,
 * and the journal under `graphs/journal`. For every article file: a node with that page id and
 * revision and exactly its out-links, `kg:indexed` at that revision, exactly the chunks the indexer's
 * chunker makes of it (same ids, that revision, no others for the page), and a journal line for that
 * revision; and no node or chunk without an article file. Read-only; run it when the indexer is idle
 * (in-flight articles show up as differences).
 */
export async function verifyConsistency(options: VerifyOptions): Promise<VerifyReport> {
  const { graphsDir, store, redis } = options;
  const articles: ArticleFile[] = [];
  for (const name of await articleFileNames(graphsDir)) articles.push(await readArticleFile(graphsDir, name));
  const journal = await readJournal(join(graphsDir, "journal"));
  const nodes = new Set(await redis.smembers(KG.nodes));
  const indexed = await redis.hgetall(KG.indexed);
  const differences: Difference[] = [];
  let chunksOfArticles = 0;
  for (const article of articles) {
    differences.push(...(await graphDifferences(article, nodes, indexed, redis)));
    const chunks = await chunkDifferences(article, options);
    differences.push(...chunks.differences);
    chunksOfArticles += chunks.stored;
    if (!journal.get(article.page_id)?.has(article.revision))
      differences.push({
        title: article.title,
        page_id: article.page_id,
        kind: "journal_missing",
        detail: `no journal line for revision ${article.revision}`,
      });
  }
  const titles = new Set(articles.map((a) => a.title));
  for (const title of nodes)
    if (!titles.has(title))
      differences.push({ title, kind: "node_unexpected", detail: "graph node without an article file" });
  const chunks = await store.count(CHUNKS);
  if (chunks > chunksOfArticles)
    differences.push({
      kind: "chunks_orphaned",
      detail: `${chunks - chunksOfArticles} of the vector store's ${chunks} chunks belong to no article file`,
    });
  return {
    articles: articles.length,
    nodes: nodes.size,
    chunks,
    journal_lines: [...journal.values()].reduce((n, revisions) => n + revisions.size, 0),
    differences,
  };
}

interface VerifyOptions {
  graphsDir: string;
  store: VectorStore;
  redis: Redis;
  chunkChars: number;
  overlapChars: number;
}

/** The article's node (page id, revision, out-links) and its `kg:indexed` revision. */
async function graphDifferences(
  article: ArticleFile,
  nodes: Set<string>,
  indexed: Record<string, string>,
  redis: Redis,
): Promise<Difference[]> {
  const { title, page_id, revision } = article;
  const found: Difference[] = nodes.has(title)
    ? await nodeDifferences(article, redis)
    : [{ title, page_id, kind: "node_missing", detail: "article file without a graph node" }];
  if (indexed[String(page_id)] !== String(revision))
    found.push({
      title,
      page_id,
      kind: "indexed_revision",
      detail: `kg:indexed says revision ${indexed[String(page_id)] ?? "none"}, article file ${revision}`,
    });
  return found;
}

async function nodeDifferences(article: ArticleFile, redis: Redis): Promise<Difference[]> {
  const { title, page_id, revision } = article;
  const about = { title, page_id };
  const found: Difference[] = [];
  const node = await redis.hmget(KG.node(title), "page_id", "revision");
  if (node[0] !== String(page_id) || node[1] !== String(revision))
    found.push({
      ...about,
      kind: "node_revision",
      detail: `node has page ${node[0]} revision ${node[1]}, article file revision ${revision}`,
    });
  const out = new Set(await redis.smembers(KG.out(title)));
  const links = new Set(article.links.filter((l) => l !== title));
  const missing = [...links].filter((l) => !out.has(l));
  const extra = [...out].filter((l) => !links.has(l));
  if (missing.length + extra.length > 0)
    found.push({
      ...about,
      kind: "links",
      detail: `${missing.length} links missing from the graph, ${extra.length} not in the article`,
    });
  return found;
}

/** Exactly the chunks the chunker makes of the article, at its revision, and no others for the page. */
async function chunkDifferences(
  article: ArticleFile,
  { store, chunkChars, overlapChars }: VerifyOptions,
): Promise<{ differences: Difference[]; stored: number }> {
  const { title, page_id, revision } = article;
  const about = { title, page_id };
  const differences: Difference[] = [];
  const chunks = chunkSections(page_id, revision, article.sections, chunkChars, overlapChars);
  const found = await store.get(
    CHUNKS,
    chunks.map((c) => c.id),
  );
  const current = new Set(found.filter((h) => Number(h.payload.revision) === revision).map((h) => h.id)).size;
  if (current < chunks.length)
    differences.push({
      ...about,
      kind: "chunks_missing",
      detail: `${chunks.length - current} of ${chunks.length} chunks of revision ${revision} are not in the vector store`,
    });
  const stored = await store.count(CHUNKS, { page_id });
  if (stored > current)
    differences.push({
      ...about,
      kind: "chunks_extra",
      detail: `${stored - current} chunks besides the ${current} of revision ${revision} (duplicates or an older revision)`,
    });
  return { differences, stored };
}

/** page id → revisions with a `node` line, from every journal file (YYYY/MM/DD/<consumer>.ndjson). */
async function readJournal(dir: string): Promise<Map<number, Set<number>>> {
  const revisions = new Map<number, Set<number>>();
  const files = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith(".ndjson"))) {
    for (const line of (await readFile(join(dir, file), "utf8")).split("\n")) {
      if (!line.trim()) continue;
      let entry: { type?: string; page_id?: number; revision?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // a line cut short by a crash mid-append; the redelivery wrote it again
      }
      if (entry.type !== "node" || entry.page_id === undefined || entry.revision === undefined) continue;
      const set = revisions.get(entry.page_id) ?? new Set<number>();
      set.add(entry.revision);
      revisions.set(entry.page_id, set);
    }
  }
  return revisions;
}
