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
 * Readable text of an HTML subtree: block elements on their own lines, table cells separated by
 * " | ", whitespace collapsed within lines, empty lines dropped.
 */
export function htmlText(nodes: AnyNode | AnyNode[]): string {
  const out: string[] = [];
  const walk = (node: AnyNode) => {
    // Whitespace in HTML text is insignificant: a newline inside a <p> is a space, not a line break.
    if (node.type === "text") out.push((node as unknown as { data: string }).data.replace(/\s+/g, " "));
    else if (node.type === "tag") {
      const el = node as unknown as { name: string; children: AnyNode[] };
      if (el.name === "br") {
        out.push("\n");
        return;
      }
      const block = BLOCK.has(el.name);
      if (block) out.push("\n");
      for (const child of el.children) walk(child);
      if (CELL.has(el.name)) out.push(" | ");
      if (block) out.push("\n");
    }
  };
  for (const node of Array.isArray(nodes) ? nodes : [nodes]) walk(node);
  return out
    .join("")
    .split("\n")
    .map((line) =>
      line
        .replace(/[\s\u00a0]+/g, " ")
        .replace(/( \| )+$/, "")
        .replace(/\s+([,.;:])/g, "$1")
        .trim(),
    )
    .filter((line) => line.length > 0)
    .join("\n");
}
