import type { Embedder } from "@lumina/embeddings";
import type { VectorRecord, VectorStore } from "@lumina/vectors";
import { chunkSections } from "./domain/chunk.ts";
import { chunkRecord, embeddingText } from "./domain/chunk-records.ts";
import { articleFileNames, readArticleFile } from "./graph-files.ts";
import { CHUNKS } from "./handlers/graph-add.ts";

export interface ReindexProgress {
  articles: number;
  total: number;
  chunks: number;
}

/**
 * Rebuilds collection `chunks` from the article files under `graphsDir/articles` alone (docs/architecture.md, data on disk:
 * everything the vector store holds can be rebuilt from graphs/): drops the collection, creates it for
 * `embedder`, then chunks, embeds and writes every article, `batchArticles` at a time (one store write
 * per batch). Used after changing the embedder, or to recover a lost or damaged store. Nothing else may
 * write the collection meanwhile: stop Lumina first.
 */
export async function reindex(options: {
  graphsDir: string;
  store: VectorStore;
  embedder: Embedder;
  chunkChars: number;
  overlapChars: number;
  batchArticles?: number;
  onProgress?: (p: ReindexProgress) => void;
}): Promise<ReindexProgress> {
  const { store, embedder } = options;
  const files = await articleFileNames(options.graphsDir);
  await store.dropCollection(CHUNKS);
  await store.ensureCollection({ name: CHUNKS, dimension: embedder.dimension, model: embedder.modelId });
  const progress: ReindexProgress = { articles: 0, total: files.length, chunks: 0 };
  const batch = options.batchArticles ?? 16;
  for (let start = 0; start < files.length; start += batch) {
    const records: VectorRecord[] = [];
    for (const file of files.slice(start, start + batch)) {
      const article = await readArticleFile(options.graphsDir, file);
      const chunks = chunkSections(
        article.page_id,
        article.revision,
        article.sections,
        options.chunkChars,
        options.overlapChars,
      );
      const vectors = await embedder.embed(chunks.map((c) => embeddingText(article.title, c)));
      chunks.forEach((c, i) => records.push(chunkRecord(article, c, vectors[i] as number[])));
      progress.articles++;
    }
    await store.upsert(CHUNKS, records);
    progress.chunks += records.length;
    options.onProgress?.({ ...progress });
  }
  return progress;
}
