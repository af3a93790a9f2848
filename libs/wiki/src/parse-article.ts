import { createHash } from "node:crypto";
import { type Cheerio, type CheerioAPI, load } from "cheerio";
import type { AnyNode, Element } from "domhandler";
import { removeElement } from "domutils";
import type { Article, Section } from "./article.ts";
import { htmlText } from "./html-text.ts";
import { InvalidTitleError, normalizeTitle, titleToPath } from "./title.ts";

/** What the Action API says about a page besides its HTML; absent fields are read from the page itself. */
export interface PageMeta {
  title?: string;
  pageId?: number;
  revision?: number;
  wikidata?: string;
  /** Categories with MediaWiki's `hidden` flag; hidden ones are dropped. */
  categories?: { name: string; hidden?: boolean }[];
}

/**
 * Not article text: references, navigation boxes, edit links, hatnotes, maintenance boxes, styles.
 * Elements with one of these tag names, classes or ids, or a tag name and class together, are
 * dropped with what they hold. Matched in one walk of the tree (`stripNonText`): the same rule as the
 * selector list `style, script, …, sup.reference, ol.references, #toc, …`, at a fraction of the cost of
 * running 40 CSS selectors over every element of the page.
 */
const STRIP = {
  tags: new Set(["style", "script", "link", "meta", "noscript", "figure", "annotation"]),
  classes: new Set([
    "mw-editsection",
    "noprint",
    "Inline-Template",
    "reflist",
    "mw-references-wrap",
    "navbox",
    "navbox-styles",
    "vertical-navbox",
    "sidebar",
    "hatnote",
    "dablink",
    "rellink",
    "ambox",
    "metadata",
    "mw-empty-elt",
    "toc",
    "sistersitebox",
    "portalbox",
    "authority-control",
    "catlinks",
    "printfooter",
    "shortdescription",
    "mw-jump-link",
    "thumb",
    "gallery",
    "mwe-math-mathml-inline",
    "mwe-math-mathml-display",
  ]),
  ids: new Set(["toc", "coordinates"]),
  /** tag name → classes that mark it only on that tag */
  tagClasses: new Map([
    ["sup", new Set(["reference"])],
    ["ol", new Set(["references"])],
  ]),
};

/** Sections that hold citations and link lists rather than prose. */
const SKIP_SECTIONS = new Set([
  "references",
  "notes",
  "external links",
  "further reading",
  "sources",
  "citations",
  "bibliography",
  "footnotes",
  "see also",
  "notes and references",
  "works cited",
]);

/**
 * Parses a Wikipedia article from either a full rendered page (skin HTML, as saved from a browser)
 * or the Action API's `parse.text` fragment plus `meta`.
 */
export function parseArticle(
  html: string,
  opts: {
    wikiHost: string;
    meta?: PageMeta;
    /** Base of article URLs (default https://wikiHost). */ origin?: string;
  },
): Article {
  // htmlparser2 in HTML mode rather than cheerio's default parse5: half the time a page (5 vs 11 ms on
  // the test corpus) and the same articles from MediaWiki's well-formed output (all 75 test pages
  // compared field by field). parse5's full HTML5 tree building buys nothing here.
  const $ = load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const meta = opts.meta ?? {};
  const page = pageGlobals($, html);
  const title = normalizeTitle(meta.title ?? page.title() ?? $("#firstHeading").text(), opts.wikiHost);
  const wikidata = meta.wikidata ?? page.wikidata(); // before stripping: the link may sit in a stripped box
  const root = contentRoot($);
  const categories = meta.categories
    ? meta.categories.filter((c) => !c.hidden).map((c) => c.name.replace(/_/g, " "))
    : $("#mw-normal-catlinks ul li a")
        .map((_, a) => $(a).text().trim())
        .get();

  stripNonText(root.get(0));
  const links = articleLinks($, root, title, opts.wikiHost);
  const infobox = infoboxFacts($, root);
  root.find("table.infobox").remove();
  const sections = splitSections($, root, title);
  const summary = sections[0]?.level === 1 ? sections[0].text : "";

  return {
    title,
    pageId: meta.pageId ?? page.pageId() ?? 0,
    revision: meta.revision ?? page.revision() ?? 0,
    url: `${opts.origin ?? `https://${opts.wikiHost}`}/wiki/${titleToPath(title)}`,
    ...(wikidata ? { wikidata } : {}),
    summary,
    sections,
    infobox,
    links,
    categories: [...new Set(categories.filter(Boolean))],
    fingerprint: fingerprint(title, summary),
  };
}

/** hash(title + first sentence of the summary), hex, 32 characters. */
export function fingerprint(title: string, summary: string): string {
  const first = /^.*?[.!?](?=\s+[A-Z"“(]|\s*$)/s.exec(summary)?.[0] ?? summary.slice(0, 300);
  return createHash("sha256").update(`${title}\n${first.trim()}`).digest("hex").slice(0, 32);
}

/**
 * What a full rendered page says about itself (its `wg…` script variables, the Wikidata link), each
 * read only when asked for: with the Action API's meta none is, and each is a scan of the whole page.
 */
function pageGlobals($: CheerioAPI, html: string) {
  const num = (name: string) => {
    const m = new RegExp(`"${name}"\\s*:\\s*(\\d+)`).exec(html);
    return m ? Number(m[1]) : undefined;
  };
  const str = (name: string) => new RegExp(`"${name}"\\s*:\\s*"([^"]*)"`).exec(html)?.[1];
  const fromLink = () => {
    const wikidataHref = $('a[href*="wikidata.org/wiki/"]').filter((_, a) =>
      /\/Q\d+$/.test($(a).attr("href") ?? ""),
    );
    return /(Q\d+)$/.exec(wikidataHref.first().attr("href") ?? "")?.[1];
  };
  return {
    title: () => str("wgTitle"),
    pageId: () => num("wgArticleId"),
    revision: () => num("wgRevisionId") ?? num("wgCurRevisionId"),
    wikidata: () => str("wgWikibaseItemId") ?? fromLink(),
  };
}

function contentRoot($: CheerioAPI): Cheerio<Element> {
  const outer = $(".mw-parser-output").filter((_, el) => $(el).parents(".mw-parser-output").length === 0);
  if (outer.length > 0) return outer.first();
  const content = $("#mw-content-text");
  return content.length > 0 ? content.first() : $("body").first();
}

/** Removes every element STRIP names, with its subtree, from under `root`. */
function stripNonText(root: Element | undefined): void {
  const walk = (el: Element) => {
    for (const child of [...el.children]) {
      if (child.type !== "tag" && child.type !== "script" && child.type !== "style") continue;
      if (isNonText(child as Element)) removeElement(child);
      else walk(child as Element);
    }
  };
  if (root) walk(root);
}

function isNonText(el: Element): boolean {
  if (STRIP.tags.has(el.name)) return true;
  const { id, class: cls } = el.attribs;
  if (id && STRIP.ids.has(id)) return true;
  if (!cls) return false;
  const onTag = STRIP.tagClasses.get(el.name);
  for (const c of cls.split(/\s+/)) if (STRIP.classes.has(c) || onTag?.has(c)) return true;
  return false;
}

function articleLinks($: CheerioAPI, root: Cheerio<Element>, self: string, wikiHost: string): string[] {
  const seen = new Set<string>();
  const onWiki = new RegExp(`^((https?:)?//${wikiHost.replace(/\./g, "\\.")})?/wiki/`, "i");
  root.find("a[href]").each((_, a) => {
    const href = $(a).attr("href") ?? "";
    const path = href.startsWith("./") ? `/wiki/${href.slice(2)}` : href;
    if (!onWiki.test(path)) return; // other sites, red links (index.php?action=edit), anchors
    try {
      const title = normalizeTitle(path, wikiHost);
      if (title !== self) seen.add(title);
    } catch (err) {
      if (!(err instanceof InvalidTitleError)) throw err; // File:, Help:, Category: … are not articles
    }
  });
  return [...seen];
}

function infoboxFacts($: CheerioAPI, root: Cheerio<Element>): Record<string, string> {
  const facts: Record<string, string> = {};
  root
    .find("table.infobox")
    .first()
    .find("tr")
    .each((_, tr) => {
      const label = htmlText($(tr).children("th").toArray()).replace(/\n/g, " ");
      const value = htmlText($(tr).children("td").toArray()).replace(/\n/g, "; ");
      if (label && value && !(label in facts)) facts[label] = value;
    });
  return facts;
}

function splitSections($: CheerioAPI, root: Cheerio<Element>, title: string): Section[] {
  const sections: Section[] = [];
  let current: Section = { heading: title, level: 1, text: "" };
  const parts: string[] = [];
  const flush = () => {
    current.text = parts.splice(0).join("\n").trim();
    if (current.text && !SKIP_SECTIONS.has(current.heading.toLowerCase())) sections.push(current);
  };
  const visit = (nodes: AnyNode[]) => {
    for (const node of nodes) {
      const heading = headingOf($, node);
      if (heading) {
        flush();
        current = { heading: heading.text, level: heading.level, text: "" };
      } else if (node.type === "tag" && (node as Element).name === "section") {
        visit((node as Element).children); // Parsoid output wraps each section in <section>
      } else {
        const text = htmlText(node);
        if (text) parts.push(text);
      }
    }
  };
  visit(root.contents().toArray());
  flush();
  return sections;
}

function headingOf($: CheerioAPI, node: AnyNode): { text: string; level: number } | undefined {
  if (node.type !== "tag") return undefined;
  const el = $(node as Element);
  const h = /^h([1-6])$/.test((node as Element).name)
    ? el
    : el.hasClass("mw-heading")
      ? el.find("h1,h2,h3,h4,h5,h6").first()
      : undefined;
  if (!h || h.length === 0) return undefined;
  const level = Number(/^h([1-6])$/.exec((h.get(0) as Element).name)?.[1]);
  const text = (h.find(".mw-headline").text() || h.text()).replace(/\s+/g, " ").trim();
  return text ? { text, level } : undefined;
}
