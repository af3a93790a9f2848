import type { DeliveryContext } from "@lumina/bus";
import type { CrawlRequest, EventOf } from "@lumina/events";
import { normalizeTitle } from "@lumina/wiki";
import type { CrawlJobs } from "../crawl-jobs.ts";
import type { Logger } from "@lumina/observability";

export interface CrawlReqDeps {
  jobs: CrawlJobs;
  wikiHost: string;
  logger?: Logger;
}

/**
 * crawl:req → a job in the crawl queue. A URL on another host or a non-article title throws
 * InvalidTitleError (non-retryable): the entry goes to crawl:req:dlq with the reason, nothing is fetched.
 */
export async function handleCrawlRequest(
  event: EventOf<typeof CrawlRequest>,
  _ctx: DeliveryContext,
  deps: CrawlReqDeps,
): Promise<void> {
  const title = normalizeTitle(event.url, deps.wikiHost);
  const { reason, parent, terms } = event;
  const outcome = await deps.jobs.enqueue(
    {
      title,
      source: event.source ?? "user",
      // A request that does not say why is a person's (redis-cli, lumina seed).
      why: event.why ?? "manual",
      ...(reason ? { reason } : {}),
      ...(parent ? { parent } : {}),
      ...(terms ? { terms } : {}),
    },
    event.prio,
  );
  if (outcome === "retried") deps.logger?.info({ title }, "a crawl that failed before is tried again");
}
