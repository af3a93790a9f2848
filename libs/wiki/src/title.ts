import { NonRetryableError } from "@lumina/errors";

/** Namespaces whose pages are not articles; `Foo:` prefixes not listed here stay part of the title. */
const NON_ARTICLE_NAMESPACES = new Set([
  "talk",
  "user",
  "user talk",
  "wikipedia",
  "wikipedia talk",
  "wp",
  "project",
  "file",
  "file talk",
  "image",
  "mediawiki",
  "template",
  "template talk",
  "help",
  "help talk",
  "category",
  "category talk",
  "portal",
  "draft",
  "module",
  "special",
  "media",
  "timedtext",
  "book",
]);
const ILLEGAL = /[#<>[\]|{}\u0000-\u001f\u007f]/;

export class InvalidTitleError extends NonRetryableError {
  constructor(message: string) {
    super("invalid_title", message);
  }
}

/**
 * Turns what a person or a page gives us — `Artificial_intelligence`, `artificial intelligence`,
 * `https://en.wikipedia.org/wiki/Artificial_intelligence#History`, `/wiki/Bodmin` — into the canonical
 * article title (`Artificial intelligence`). URLs must point at `wikiHost`: any other host, scheme or
 * IP is refused, so that crawl requests can never make Lumina fetch from elsewhere (no SSRF).
 */
export function normalizeTitle(input: string, wikiHost: string): string {
  let raw = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith("//")) raw = titleFromUrl(raw, wikiHost);
  else if (raw.startsWith("/wiki/")) raw = decode(raw.slice("/wiki/".length));
  raw = raw.split("#")[0] ?? "";
  const title = raw.replace(/_/g, " ").replace(/\s+/g, " ").trim();
  if (!title) throw new InvalidTitleError(`empty title in ${JSON.stringify(input.slice(0, 100))}`);
  if (ILLEGAL.test(title))
    throw new InvalidTitleError(
      `title contains characters titles cannot have: ${JSON.stringify(title.slice(0, 100))}`,
    );
  if (Buffer.byteLength(title) > 255) throw new InvalidTitleError("title is longer than 255 bytes");
  const colon = title.indexOf(":");
  if (colon > 0 && NON_ARTICLE_NAMESPACES.has(title.slice(0, colon).trim().toLowerCase())) {
    throw new InvalidTitleError(`"${title}" is not an article (namespace ${title.slice(0, colon)})`);
  }
  return title.charAt(0).toUpperCase() + title.slice(1);
}

/** `Artificial intelligence` → `Artificial_intelligence`, as in article URLs. */
export const titleToPath = (title: string): string =>
  encodeURIComponent(title.replace(/ /g, "_")).replace(/%2F/g, "/");

function titleFromUrl(raw: string, wikiHost: string): string {
  let url: URL;
  try {
    url = new URL(raw.startsWith("//") ? `https:${raw}` : raw);
  } catch {
    throw new InvalidTitleError(`not a valid URL: ${JSON.stringify(raw.slice(0, 100))}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidTitleError(
      `scheme ${url.protocol} is not allowed; only the configured wiki (${wikiHost}) is crawled`,
    );
  }
  // host, not hostname: another port on the wiki's machine is another server.
  if (url.host.toLowerCase() !== wikiHost.toLowerCase() || url.username || url.password) {
    throw new InvalidTitleError(`host ${url.host || "(none)"} is not the configured wiki (${wikiHost})`);
  }
  if (url.pathname.startsWith("/wiki/")) return decode(url.pathname.slice("/wiki/".length));
  const param = url.searchParams.get("title");
  if (url.pathname.endsWith("/index.php") && param) return param;
  throw new InvalidTitleError(`${url.pathname} on ${wikiHost} is not an article URL`);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new InvalidTitleError(`bad percent-encoding in ${JSON.stringify(s.slice(0, 100))}`);
  }
}
