import type { EventOf, GraphAdd } from "@lumina/events";
import type { Article } from "@lumina/wiki";
import type { CrawlJob } from "../crawl-jobs.ts";

/** Who asked for the article and why, from its crawl job (a job of an older build says nothing: manual). */
export function provenanceOf(job: CrawlJob): NonNullable<EventOf<typeof GraphAdd>["provenance"]> {
  return {
    source: job.source,
    why: job.why ?? "manual",
    ...(job.parent ? { parent: job.parent } : {}),
    ...(job.reason ? { reason: job.reason.slice(0, 512) } : {}),
    ...(job.terms ? { terms: job.terms } : {}),
  };
}

/** The graph:add event for a parsed article, read for `job`. */
export function toGraphAdd(article: Article, fetchedAt: Date, job?: CrawlJob): EventOf<typeof GraphAdd> {
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
    ...(job ? { provenance: provenanceOf(job) } : {}),
  };
}
