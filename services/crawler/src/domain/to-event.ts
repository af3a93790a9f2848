import type { EventOf, GraphAdd } from "@lumina/events";
import type { Article } from "@lumina/wiki";

/** The graph:add event for a parsed article. */
export function toGraphAdd(article: Article, fetchedAt: Date): EventOf<typeof GraphAdd> {
  return {
    title: article.title,
    page_id: article.pageId,
    revision: article.revision,
    url: article.url,
    summary: article.summary.slice(0, 20_000),
    fingerprint: article.fingerprint,
    ...(article.wikidata ? { wikidata: article.wikidata } : {}),
    links: article.links,
    categories: article.categories,
    sections: article.sections,
    ...(Object.keys(article.infobox).length > 0 ? { infobox: article.infobox } : {}),
    fetched_at: fetchedAt.toISOString(),
  };
}
