import type { AnyNode } from "domhandler";

const BLOCK = new Set([
  "p",
  "div",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "table",
  "tbody",
  "thead",
  "tr",
  "blockquote",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "pre",
  "figure",
  "figcaption",
  "section",
  "center",
  "caption",
]);
const CELL = new Set(["td", "th"]);

/**
 * What a malformed link leaves in the text: the tail of an attribute that swallowed a tag
 * (`<a href="/wiki/<a href="/wiki/Linux">Linux</a>-Distribution">…` reads as the text
 * `-Distribution">`). MediaWiki never writes this; other renderers of wikitext do.
 */
const ATTRIBUTE_DEBRIS = /[^\s"<>]*"\s*>/g;

/** Marks a line break while the text is gathered; not whitespace (`\s`), unlike "\n". */
const BREAK = "\u0001";

/**
 * Readable text of an HTML subtree: block elements on their own lines, table cells separated by
 * " | ", whitespace collapsed within lines (a newline inside a <p> is a space, not a line break),
 * empty lines dropped.
 */
export function htmlText(nodes: AnyNode | AnyNode[]): string {
  const out: string[] = [];
  for (const node of Array.isArray(nodes) ? nodes : [nodes]) gather(node, out);
  return out
    .join("")
    .split(BREAK)
    .map((line) =>
      line
        .replace(/\s+/g, " ")
        .replace(/( \| )+$/, "")
        .replace(/\s+([,.;:])/g, "$1")
        .trim(),
    )
    .filter((line) => line.length > 0)
    .join("\n");
}

function gather(node: AnyNode, out: string[]): void {
  if (node.type === "text")
    out.push((node as unknown as { data: string }).data.replace(ATTRIBUTE_DEBRIS, ""));
  else if (node.type === "tag") {
    const el = node as unknown as { name: string; children: AnyNode[] };
    if (el.name === "br") {
      out.push(BREAK);
      return;
    }
    const block = BLOCK.has(el.name);
    if (block) out.push(BREAK);
    for (const child of el.children) gather(child, out);
    if (CELL.has(el.name)) out.push(" | ");
    if (block) out.push(BREAK);
  }
}
