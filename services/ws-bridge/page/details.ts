// The details panel: an article's summary, Wikidata id, Wikipedia link, sections, reflection notes
// and why it was read; or a cited chunk with the sentence the answer rests on highlighted.
import type { ArticleFrame, KnowledgeGraph } from "./graph-model.ts";

export interface CitedChunk {
  title: string;
  section?: string;
  text: string;
  url: string;
  permalink?: string;
  quote?: { start: number; end: number; text: string };
}

const WHY: Record<string, string> = {
  seed: "a person seeded it",
  manual: "a person asked for it",
  dangling: "the planner chose a link",
  sparse: "the planner chose a link of an article that told too little",
  low_confidence: "a question was answered badly",
  unknown: "a question found nothing",
};
const fmt = (x: number) => (x >= 0.01 || x === 0 ? x.toFixed(2) : x.toExponential(1));

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

const external = (href: string, text: string) =>
  el("a", { href, target: "_blank", rel: "noopener", textContent: text });

export class Details {
  readonly #panel: HTMLElement;
  readonly #kg: KnowledgeGraph;
  readonly #select: (title: string) => void;

  constructor(panel: HTMLElement, kg: KnowledgeGraph, select: (title: string) => void) {
    this.#panel = panel;
    this.#kg = kg;
    this.#select = select;
  }

  showArticle(title: string): void {
    const a = this.#kg.articles.get(title);
    const h = el("h2", { textContent: title });
    if (!a) {
      const queued = this.#kg.frontier.has(title) ? " A gap request has queued it for reading." : "";
      this.#panel.replaceChildren(
        h,
        el("p", {
          className: "muted",
          textContent: `Linked from an article Lumina has read; not read yet.${queued}`,
        }),
      );
      return;
    }
    this.#panel.replaceChildren(
      h,
      el("p", { className: "summary", textContent: a.summary }),
      this.#links(a),
      this.#readBecause(a.read_because),
      ...this.#sections(a),
      ...this.#notes(title),
    );
  }

  showChunk(chunk: CitedChunk): void {
    const text = el("p", { className: "chunk" });
    const q = chunk.quote;
    if (q && chunk.text.slice(q.start, q.end) === q.text)
      text.append(chunk.text.slice(0, q.start), el("mark", { textContent: q.text }), chunk.text.slice(q.end));
    else text.textContent = chunk.text;
    this.#panel.replaceChildren(
      el("h2", { textContent: chunk.title }),
      el("p", { className: "muted", textContent: chunk.section ? `Section: ${chunk.section}` : "Lead" }),
      text,
      external(
        chunk.permalink || chunk.url,
        chunk.permalink ? "Read this revision on Wikipedia" : "Read on Wikipedia",
      ),
    );
  }

  #links(a: ArticleFrame): HTMLElement {
    const p = el("p", { className: "links" }, external(a.url, "Read on Wikipedia"));
    if (a.wikidata)
      p.append(
        " · Wikidata ",
        el("a", {
          href: `https://www.wikidata.org/wiki/${a.wikidata}`,
          target: "_blank",
          rel: "noopener",
          className: "wikidata",
          textContent: a.wikidata,
        }),
      );
    return p;
  }

  #sections(a: ArticleFrame): HTMLElement[] {
    if (a.sections.length === 0) return [];
    return [
      el("h3", { textContent: "Sections" }),
      el("ul", { className: "sections" }, ...a.sections.map((s) => el("li", { textContent: s }))),
    ];
  }

  #notes(title: string): HTMLElement[] {
    const notes = this.#kg.notes.get(title) ?? [];
    if (notes.length === 0) return [];
    return [
      el("h3", { textContent: "Reflections" }),
      ...notes.map((n) =>
        el("p", { className: "note", textContent: `Round ${n.round}/${n.rounds}: ${n.note}` }),
      ),
    ];
  }

  /** "Read because …": who asked, the linking article (clickable) and the planner's priority terms. */
  #readBecause(because: ArticleFrame["read_because"]): HTMLElement {
    const p = el("p", { className: "because" });
    if (!because) {
      p.textContent = "Read because: not recorded (read by an older Lumina).";
      return p;
    }
    p.append(`Read because ${WHY[because.why] ?? because.why}`);
    if (because.parent) {
      const parent = because.parent;
      const from = el("a", { href: "#", textContent: parent });
      from.addEventListener("click", (e) => {
        e.preventDefault();
        this.#select(parent);
      });
      p.append(" in ", from);
    }
    const t = because.terms;
    if (t)
      p.append(
        ` — priority ${fmt(t.priority)} = PageRank ${fmt(t.pagerank)} × novelty ${fmt(t.novelty)}` +
          ` × recency ${fmt(t.recency)} × relevance ${fmt(t.relevance)}`,
      );
    p.append(".");
    return p;
  }
}
