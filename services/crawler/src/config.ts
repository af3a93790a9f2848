import { Type } from "@sinclair/typebox";

/** The crawler's own variables, on top of the base ones (libs/runtime). */
export const CrawlerConfig = Type.Object({
  WIKI_API_URL: Type.String({
    default: "https://en.wikipedia.org/w/api.php",
    description: "MediaWiki Action API; the only host the crawler ever contacts",
  }),
  WIKI_CONTACT: Type.String({
    default: "unconfigured Lumina instance; set WIKI_CONTACT",
    description: "contact (URL or e-mail) sent in the User-Agent, per Wikimedia's policy",
  }),
  CRAWL_BUDGET_PER_HR: Type.Integer({
    minimum: 1,
    default: 600,
    description: "articles fetched per hour at most",
  }),
  RECRAWL_DAYS: Type.Number({
    minimum: 0,
    default: 7,
    description: "an article read more recently is not fetched again",
  }),
  CRAWL_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 32, default: 2, description: "fetches at once" }),
  CRAWL_ATTEMPTS: Type.Integer({
    minimum: 1,
    default: 3,
    description: "tries per article (exponential backoff)",
  }),
  CRAWL_STALL_MS: Type.Integer({
    minimum: 1_000,
    default: 30_000,
    description:
      "a fetch whose crawler died (no lock renewal for this long) is found and run again by another crawler",
  }),
  CRAWL_QUEUE_POLL_MS: Type.Integer({
    minimum: 10,
    default: 1000,
    description: "how often the crawl:queue ZSET is drained",
  }),
});
