import type { Chunk } from "./chunk.ts";

/** The article fields a chunk record carries (a graph:add event, or an article file under graphs/). */
export interface ArticleIdentity {
  title: string;
  url: string;
  page_id: number;
  revision: number;
  fetched_at: string;
}

/** What is embedded for a chunk: its text with the article title and section, which carry its topic. */
export const embeddingText = (title: string, chunk: Chunk): string =>
  `${title}. ${chunk.section}. ${chunk.text}`;

/** A chunk as a vector-store record (collection `chunks`). */
export function chunkRecord(article: ArticleIdentity, chunk: Chunk, vector: number[]) {
  return {
    id: chunk.id,
    vector,
    text: chunk.text,
    payload: {
      title: article.title,
      url: article.url,
      page_id: article.page_id,
      revision: article.revision,
      section: chunk.section,
      chunk: chunk.index,
      ts: article.fetched_at,
    },
  };
}
