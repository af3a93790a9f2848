import { NonRetryableError, RetryableError } from "@lumina/errors";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { Article } from "./article.ts";
import { parseArticle } from "./parse-article.ts";
import { normalizeTitle } from "./title.ts";

export interface WikiSourceOptions {
  /** The MediaWiki Action API endpoint, e.g. https://en.wikipedia.org/w/api.php */
  apiUrl: string;
  /** Who to contact about this crawler (Wikimedia's User-Agent policy): a URL or an e-mail address. */
  contact: string;
  /** Attempts per article for 429, 503, 5xx, maxlag and network errors (default 4). */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt, with jitter, unless Retry-After says more (default 500). */
  baseDelayMs?: number;
  /** Longest single wait, Retry-After included (default 30 s). */
  maxDelayMs?: number;
  timeoutMs?: number;
  /** Responses larger than this are refused (default 10 MiB). */
  maxBytes?: number;
  /** Sent as `maxlag`: the API answers "maxlag" when its replicas lag more (default 5 s). */
  maxlagS?: number;
  /** Told about each wait before a retry (for logs and metrics). */
  onRetry?: (info: { title: string; attempt: number; delayMs: number; reason: string }) => void;
}

export class MissingPageError extends NonRetryableError {
  constructor(title: string) {
    super("missing_page", `"${title}" does not exist on the wiki`);
  }
}

/** A fetched article and, when the title was a redirect, the title asked for. */
export type FetchedArticle = Article & { redirectedFrom?: string };

/** Reads articles from one MediaWiki wiki through its Action API (`action=parse`). */
export class WikiSource {
  readonly host: string;
  readonly #api: URL;
  readonly #o: Required<Omit<WikiSourceOptions, "onRetry">> & Pick<WikiSourceOptions, "onRetry">;

  constructor(opts: WikiSourceOptions) {
    this.#api = new URL(opts.apiUrl);
    if (this.#api.protocol !== "https:" && this.#api.protocol !== "http:") {
      throw new TypeError(`WIKI_API_URL must be http(s), got ${opts.apiUrl}`);
    }
    this.host = this.#api.host; // with its port when not the scheme's default
    this.#o = {
      maxAttempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      timeoutMs: 15_000,
      maxBytes: 10 * 2 ** 20,
      maxlagS: 5,
      ...opts,
    };
  }

  get userAgent(): string {
    return `Lumina/0.1 (${this.#o.contact}) knowledge-crawler`;
  }

  /** Normalises `titleOrUrl` (refusing other hosts), fetches and parses it. */
  async fetchArticle(titleOrUrl: string): Promise<FetchedArticle> {
    const title = normalizeTitle(titleOrUrl, this.host);
    const parse = checkParse(await this.#call(title), title);
    const article = parseArticle(parse.text, {
      wikiHost: this.host,
      origin: this.#api.origin,
      meta: {
        title: parse.title,
        pageId: parse.pageid,
        revision: parse.revid,
        ...(parse.properties && !Array.isArray(parse.properties) && parse.properties.wikibase_item
          ? { wikidata: parse.properties.wikibase_item }
          : {}),
        categories: (parse.categories ?? []).map((c) => ({ name: c.category, hidden: c.hidden === true })),
      },
    });
    return parse.redirects?.length ? { ...article, redirectedFrom: title } : article;
  }

  /** `action=parse` for `title`, in formatversion 2, following redirects, with maxlag. */
  #parseUrl(title: string): URL {
    const url = new URL(this.#api);
    const params = {
      action: "parse",
      format: "json",
      formatversion: "2",
      redirects: "1",
      prop: "text|links|categories|properties|revid|displaytitle",
      page: title,
      maxlag: String(this.#o.maxlagS),
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  async #call(title: string): Promise<Record<string, unknown>> {
    const url = this.#parseUrl(title);
    let lastReason = "";
    for (let attempt = 1; attempt <= this.#o.maxAttempts; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        const res = await fetch(url, {
          headers: { "user-agent": this.userAgent, "accept-encoding": "gzip", accept: "application/json" },
          redirect: "manual", // never follow a redirect: it could point anywhere
          signal: AbortSignal.timeout(this.#o.timeoutMs),
        });
        if (res.status >= 300 && res.status < 400) {
          throw new NonRetryableError(
            "unexpected_redirect",
            `the wiki API answered ${res.status} towards ${res.headers.get("location") ?? "?"}; not followed`,
          );
        }
        if (res.status === 429 || res.status >= 500) {
          lastReason = `HTTP ${res.status}`;
          retryAfterMs = retryAfter(res.headers.get("retry-after"));
          await res.body?.cancel();
        } else if (!res.ok) {
          throw new NonRetryableError(
            "http_error",
            `the wiki API answered HTTP ${res.status} for "${title}"`,
          );
        } else {
          const body = parseJson(await readCapped(res, this.#o.maxBytes), title);
          const error = body.error as { code?: string; info?: string } | undefined;
          if (!error) return body;
          if (error.code === "missingtitle") throw new MissingPageError(title);
          if (error.code !== "maxlag")
            throw new NonRetryableError(`api_${error.code}`, `${error.code}: ${error.info}`);
          lastReason = "maxlag";
          retryAfterMs = retryAfter(res.headers.get("retry-after"));
        }
      } catch (err) {
        if (err instanceof NonRetryableError) throw err;
        lastReason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      if (attempt === this.#o.maxAttempts) break;
      const backoff = this.#o.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      const delayMs = Math.min(Math.max(retryAfterMs ?? 0, backoff), this.#o.maxDelayMs);
      this.#o.onRetry?.({ title, attempt, delayMs, reason: lastReason });
      await new Promise((r) => setTimeout(r, delayMs));
    }
    throw new RetryableError(
      "wiki_unavailable",
      `gave up on "${title}" after ${requests(this.#o.maxAttempts)} to the wiki: ${lastReason}`,
    );
  }
}

/** What `action=parse&formatversion=2` answers, as far as Lumina reads it: checked before use. */
const ParseResponse = Type.Object({
  title: Type.String({ minLength: 1 }),
  pageid: Type.Integer({ minimum: 1 }),
  revid: Type.Integer({ minimum: 1 }),
  text: Type.String(),
  redirects: Type.Optional(Type.Array(Type.Object({ from: Type.String(), to: Type.String() }))),
  categories: Type.Optional(
    Type.Array(Type.Object({ category: Type.String(), hidden: Type.Optional(Type.Boolean()) })),
  ),
  properties: Type.Optional(
    Type.Union([
      Type.Object({ wikibase_item: Type.Optional(Type.String()) }),
      Type.Array(Type.Unknown(), { maxItems: 0 }), // PHP's empty object comes as []
    ]),
  ),
});
type ParseResponse = Static<typeof ParseResponse>;

/** The `parse` member of an API answer, or a refusal that says which field is wrong. */
function checkParse(body: Record<string, unknown>, title: string): ParseResponse {
  const parse = body.parse;
  if (Value.Check(ParseResponse, parse)) return parse;
  const first = parse === undefined ? undefined : Value.Errors(ParseResponse, parse).First();
  throw new NonRetryableError(
    "invalid_api_response",
    `the wiki API's answer for "${title}" is not a parse result: ` +
      (first ? `parse${first.path.replace(/\//g, ".")} ${first.message}` : "no parse member"),
  );
}

/** An API answer is a JSON object; anything else is refused at once (it would not get better). */
function parseJson(text: string, title: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new NonRetryableError(
      "invalid_api_response",
      `the wiki API's answer for "${title}" is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new NonRetryableError(
      "invalid_api_response",
      `the wiki API's answer for "${title}" is not a JSON object`,
    );
  return body as Record<string, unknown>;
}

/** Retry-After in seconds or as an HTTP date, in ms. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (declared > maxBytes)
    throw new NonRetryableError("oversized", `response of ${declared} bytes exceeds ${maxBytes}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > maxBytes)
      throw new NonRetryableError("oversized", `response exceeds ${maxBytes} bytes; not read further`);
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const requests = (n: number) => `${n} ${n === 1 ? "request" : "requests"}`;
