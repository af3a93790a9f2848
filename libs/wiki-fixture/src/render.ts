import { titleToPath } from "@lumina/wiki";
import wtf from "wtf_wikipedia";
import html from "wtf-plugin-html";

wtf.extend(html);
wtf.extend(oneRoundOfLinks);

type WtfDocument = ReturnType<typeof wtf>;
type WtfSection = ReturnType<WtfDocument["sections"]>[number];
type WtfLink = { type(): string; page(): string | undefined };
interface WtfSentence {
  text(): string;
  links(): { text(): string; page(): string; html(): string }[];
  bolds(): string[];
  italics(): string[];
}

/** `str` replaced once in `text`: as a whole word when it stands as one, else wherever it first is. */
function replaceOnce(text: string, str: string, by: string): string {
  const escaped = str.replace(/[-[\]/{}()*+?.\\^$|]/g, "\\$&");
  const word = new RegExp(`\\b${escaped}\\b`);
  return word.test(text) ? text.replace(word, () => by) : text.replace(str, () => by);
}

/**
 * The plugin's sentence HTML with every link placed in one round. The plugin replaces each link's
 * text in turn, so a link whose text holds an earlier anchor's ("Linux" inside an anchor to
 * Linux-Distribution) lands inside that anchor's href — markup that then leaks into the text. Here each
 * link's text becomes a placeholder first (private-use characters, which no text or link matches),
 * and the placeholders become anchors last.
 */
function oneRoundOfLinks(models: unknown): void {
  const Sentence = (models as { Sentence: { prototype: { html: (this: WtfSentence) => string } } }).Sentence;
  Sentence.prototype.html = function (this: WtfSentence): string {
    let text = this.text();
    const anchors: string[] = [];
    for (const link of this.links()) {
      const str = link.text() || link.page();
      const token = `\uF8FF${String.fromCharCode(0xe000 + anchors.length)}\uF8FF`;
      const next = str ? replaceOnce(text, str, token) : text;
      if (next === text) continue;
      anchors.push(link.html());
      text = next;
    }
    for (const b of this.bolds()) text = replaceOnce(text, b, `<b>${b}</b>`);
    for (const i of this.italics()) text = replaceOnce(text, i, `<i>${i}</i>`);
    text = text.replace(/\uF8FF(.)\uF8FF/gu, (_, c: string) => anchors[c.charCodeAt(0) - 0xe000] ?? "");
    return `<span class="sentence">${text}</span>`;
  };
}

export interface Rendered {
  redirectTo?: string;
  text: string;
  links: string[];
  categories: string[];
  displaytitle: string;
}

/**
 * Renders wikitext in the shape MediaWiki's parser gives it: one `div.mw-parser-output`, headings
 * wrapped in `div.mw-heading` with `[edit]` links, `/wiki/` hrefs, an infobox with `th` labels, a
 * reference marker per cited section and a references list — so the crawler's parser strips the
 * same things it strips on the real site.
 */
export function renderWikitext(title: string, wikitext: string): Rendered {
  const doc = wtf(wikitext);
  if (doc.isRedirect()) {
    const target = (doc.redirectTo() as { page?: string } | null)?.page ?? "";
    return { redirectTo: target, text: "", links: [target], categories: [], displaytitle: title };
  }
  const parts = ['<div class="mw-parser-output">'];
  const infobox = doc.infoboxes()[0];
  if (infobox) parts.push(renderInfobox(infobox.keyValue() as Record<string, string>));
  let note = 0;
  doc.sections().forEach((section: WtfSection, index: number) => {
    const heading = section.title();
    if (index > 0 && heading) parts.push(renderHeading(title, heading, section.depth() + 2, index));
    parts.push(stripOwnHeading(section));
    if ((section.references() as object[]).length > 0)
      parts.push(
        `<p><sup id="cite_ref-${++note}" class="reference"><a href="#cite_note-${note}">[${note}]</a></sup></p>`,
      );
  });
  if (note > 0) {
    parts.push('<div class="reflist"><ol class="references">');
    for (let i = 1; i <= note; i++)
      parts.push(
        `<li id="cite_note-${i}"><span class="reference-text">Source ${i} of ${escape(title)}</span></li>`,
      );
    parts.push("</ol></div>");
  }
  parts.push("</div>");
  const links = (doc.links() as unknown as WtfLink[])
    .filter((l) => l.type() === "internal" && l.page())
    .map((l) => l.page() as string);
  return {
    text: parts.join("\n").replace(/href="\.\/([^"]*)"/g, 'href="/wiki/$1"'),
    links,
    categories: doc.categories() as string[],
    displaytitle: title,
  };
}

function renderHeading(title: string, heading: string, level: number, index: number): string {
  const h = Math.min(level, 6);
  const id = escape(heading.replace(/ /g, "_"));
  const edit = `/w/index.php?title=${titleToPath(title)}&amp;action=edit&amp;section=${index}`;
  return `<div class="mw-heading mw-heading${h}"><h${h} id="${id}">${escape(heading)}</h${h}><span class="mw-editsection"><span class="mw-editsection-bracket">[</span><a href="${edit}">edit</a><span class="mw-editsection-bracket">]</span></span></div>`;
}

/** The plugin renders a section with its own `<h1>` title; MediaWiki's heading replaces it. */
function stripOwnHeading(section: WtfSection): string {
  return (section as unknown as { html(): string }).html().replace(/<h\d>[\s\S]*?<\/h\d>/, "");
}

function renderInfobox(facts: Record<string, string>): string {
  const rows = Object.entries(facts)
    .filter(([, v]) => String(v).trim())
    .map(
      ([k, v]) =>
        `<tr><th class="infobox-label">${escape(label(k))}</th><td class="infobox-data">${escape(String(v))}</td></tr>`,
    );
  return `<table class="infobox vcard"><tbody>${rows.join("")}</tbody></table>`;
}

const label = (key: string) => key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
