import type { FastifyReply } from "fastify";
import { createHttpServer, type Logger, serverHandle } from "@lumina/observability";
import pino from "pino";
import { type Corpus, key } from "./corpus.ts";
import { type Rendered, renderWikitext } from "./render.ts";

export interface WikiFixture {
  /** Use as WIKI_API_URL, e.g. http://127.0.0.1:41234/w/api.php */
  readonly apiUrl: string;
  readonly corpus: Corpus;
  /** Every `action=parse` request: the page asked for and the User-Agent that asked. */
  readonly requests: { page: string; userAgent: string }[];
  /** Answer the next `count` API requests with `status` (429 or 503) and a Retry-After of `retryAfterS`. */
  failNext(count: number, status?: number, retryAfterS?: number): void;
  close(): Promise<void>;
}

export interface WikiFixtureOptions {
  corpus: Corpus;
  host?: string;
  port?: number;
  logger?: Logger;
  /** Answer every API request this many ms late, like a remote wiki's round trip (default 0). */
  latencyMs?: number;
}

/**
 * A local Wikipedia speaking the MediaWiki Action API's `action=parse` (formatversion=2): pages,
 * redirects (`redirects=1`), `missingtitle` errors, and 429/503 with Retry-After on demand.
 */
export async function startWikiFixture(opts: WikiFixtureOptions): Promise<WikiFixture> {
  const app = createHttpServer(opts.logger ?? pino({ level: "silent" }), "wiki-fixture");
  const requests: WikiFixture["requests"] = [];
  const failures: { status: number; retryAfterS: number }[] = [];
  const render = renderer();
  app.get("/w/api.php", async (req, reply) => {
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const q = req.query as Record<string, string | undefined>;
    const failure = failures.shift();
    if (failure) {
      return reply
        .code(failure.status)
        .header("retry-after", String(failure.retryAfterS))
        .type("text/plain")
        .send(failure.status === 429 ? "Too many requests" : "Service unavailable");
    }
    if (q.action !== "parse")
      return apiError(reply, "badvalue", `Unrecognized value for parameter "action": ${q.action}.`);
    if (!q.page) return apiError(reply, "missingparam", 'The "page" parameter must be set.');
    requests.push({ page: q.page, userAgent: String(req.headers["user-agent"] ?? "") });
    return parseAnswer(opts.corpus, render, q.page, Boolean(q.redirects)) ?? missing(reply);
  });
  // The article pages themselves, so that an answer's "Read on Wikipedia" link works offline too.
  app.get<{ Params: { title: string } }>("/wiki/:title", async (req, reply) => {
    const page = opts.corpus.get(req.params.title.replace(/_/g, " "));
    if (!page)
      return reply
        .code(404)
        .type("text/html; charset=utf-8")
        .send(articlePage("Not found", "<p>This local wiki has no such page.</p>"));
    return reply.type("text/html; charset=utf-8").send(articlePage(page.title, render(page).text));
  });
  await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 0 });
  const { url } = serverHandle(app);
  return {
    apiUrl: `${url}/w/api.php`,
    corpus: opts.corpus,
    requests,
    failNext(count, status = 429, retryAfterS = 1) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfterS });
    },
    close: () => app.close(),
  };
}

type Render = (page: NonNullable<ReturnType<Corpus["get"]>>) => Rendered;

/** Renders each revision of a page once. */
function renderer(): Render {
  const cache = new Map<string, Rendered>();
  return (page) => {
    const cacheKey = `${page.title}@${page.revision}`;
    let rendered = cache.get(cacheKey);
    if (!rendered) cache.set(cacheKey, (rendered = renderWikitext(page.title, page.wikitext)));
    return rendered;
  };
}

const escape = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An article as a page a browser shows: the rendered wikitext under its title. */
const articlePage = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} — local wiki</title></head>` +
  `<body><h1>${escape(title)}</h1>${body}<p><small>Served by Lumina's local wiki (lumina wiki serve).</small></p></body></html>`;

const missing = (reply: FastifyReply) =>
  apiError(reply, "missingtitle", "The page you specified doesn't exist.");

/** `action=parse` for `asked`, following one redirect when `redirects`; undefined: no such page. */
function parseAnswer(corpus: Corpus, render: Render, asked: string, redirects: boolean) {
  let page = corpus.get(asked);
  let rendered = page && render(page);
  const followed: { from: string; to: string }[] = [];
  if (page && rendered?.redirectTo && redirects) {
    followed.push({ from: page.title, to: rendered.redirectTo });
    page = corpus.get(rendered.redirectTo);
    rendered = page && render(page);
  }
  if (!page || !rendered) return undefined;
  return {
    parse: {
      title: page.title,
      pageid: page.pageId,
      revid: page.revision,
      displaytitle: rendered.displaytitle,
      ...(followed.length > 0 ? { redirects: followed } : {}),
      text: rendered.redirectTo
        ? `<div class="mw-parser-output"><div class="redirectMsg"><p>Redirect to:</p><ul class="redirectText"><li><a href="/wiki/${encodeURIComponent(rendered.redirectTo)}">${rendered.redirectTo}</a></li></ul></div></div>`
        : rendered.text,
      links: rendered.links.flatMap((link) => {
        const title = key(link); // wikitext can hold links no real title matches ("Pound sign|£")
        return title ? [{ ns: 0, title, exists: corpus.has(title) }] : [];
      }),
      categories: rendered.categories.map((c) => ({
        sortkey: "",
        category: c.replace(/ /g, "_"),
        hidden: false,
      })),
      properties: {},
    },
  };
}

function apiError(reply: FastifyReply, code: string, info: string) {
  return reply
    .header("mediawiki-api-error", code)
    .send({ error: { code, info }, servedby: "lumina-wiki-fixture" });
}
