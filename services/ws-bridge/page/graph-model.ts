// The page's model of what Lumina has read: a graphology graph built from /stream frames. Articles
// are nodes with their frame; titles they link to and Lumina has not read are faint "ghost" nodes,
// capped so that a link-heavy article cannot drown the page; gap requests mark the crawl frontier.
import Graph from "graphology";
import type { Frame } from "../src/domain/frames.ts";

export type ArticleFrame = Extract<Frame, { type: "NODE" }>;
export type NoteFrame = Extract<Frame, { type: "NOTE" }>;

export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  label?: string;
  kind: "article" | "ghost";
  /** a gap request asked for this title (the crawl frontier) and it is not read yet */
  frontier?: boolean;
}
export interface EdgeAttrs {
  size: number;
  color: string;
  because: boolean;
}

export const GHOST_LINKS_PER_ARTICLE = 8;
export const MAX_GHOSTS = 3_000;
const NOTES_KEPT = 5;

export const COLOURS = {
  article: "#3b6fd8",
  ghost: "#d5d9e2",
  frontier: "#1d2330", // dark: a small dot waiting its turn, unlike any topic colour
  link: "#c3c8d4",
  because: "#e0a030",
};

export class KnowledgeGraph {
  readonly graph = new Graph<NodeAttrs, EdgeAttrs>({ type: "directed", multi: false, allowSelfLoops: false });
  readonly articles = new Map<string, ArticleFrame>();
  readonly notes = new Map<string, NoteFrame[]>();
  readonly frontier = new Set<string>();
  readonly #ghostLinks = new Map<string, number>();
  #ghosts = 0;
  /** titles of new articles, in arrival order, since the last call to takeNewArticles() */
  #newArticles: string[] = [];

  /** Applies one frame; true when the graph's structure changed (a node or an edge added). */
  apply(frame: Frame): boolean {
    switch (frame.type) {
      case "NODE":
        return this.#article(frame);
      case "GRAPH_ADD":
        return this.#link(frame.source, frame.target, frame.label === "read_because");
      case "GAP":
        return this.#gap(frame.topic);
      case "NOTE": {
        const kept = [...(this.notes.get(frame.title) ?? []), frame].slice(-NOTES_KEPT);
        this.notes.set(frame.title, kept);
        return false;
      }
      default:
        return false;
    }
  }

  takeNewArticles(): string[] {
    const fresh = this.#newArticles;
    this.#newArticles = [];
    return fresh;
  }

  isArticle(title: string): boolean {
    return this.articles.has(title);
  }

  #article(frame: ArticleFrame): boolean {
    const isNew = !this.articles.has(frame.title);
    this.articles.set(frame.title, frame);
    if (!isNew) return false;
    this.#newArticles.push(frame.title);
    if (this.graph.hasNode(frame.title)) {
      if (this.graph.getNodeAttribute(frame.title, "kind") === "ghost") this.#ghosts--;
      this.graph.mergeNodeAttributes(frame.title, {
        kind: "article",
        label: frame.title,
        size: 5,
        color: COLOURS.article,
        frontier: false,
      });
      return true;
    }
    this.graph.addNode(frame.title, {
      ...this.#placeNear(frame.read_because?.parent),
      ...articleLook(frame),
    });
    return true;
  }

  #link(source: string, target: string, because: boolean): boolean {
    if (source === target) return false;
    if (!this.#ensureEnd(source, source) || !this.#ensureEnd(target, source)) return false;
    if (this.graph.hasEdge(source, target)) {
      if (because)
        this.graph.mergeEdgeAttributes(source, target, { because, color: COLOURS.because, size: 2 });
      return false;
    }
    this.graph.addEdge(source, target, {
      because,
      color: because ? COLOURS.because : COLOURS.link,
      size: because ? 2 : 0.5,
    });
    return true;
  }

  /** The node at one end of a link, a ghost if it is not an article; false when the ghost caps say no. */
  #ensureEnd(title: string, from: string): boolean {
    if (this.graph.hasNode(title)) return true;
    const shown = this.#ghostLinks.get(from) ?? 0;
    if (shown >= GHOST_LINKS_PER_ARTICLE || this.#ghosts >= MAX_GHOSTS) return false;
    this.#ghostLinks.set(from, shown + 1);
    this.#ghosts++;
    const frontier = this.frontier.has(title);
    this.graph.addNode(title, {
      ...this.#placeNear(from),
      kind: "ghost",
      size: frontier ? 3 : 2,
      color: frontier ? COLOURS.frontier : COLOURS.ghost,
      frontier,
    });
    return true;
  }

  #gap(topic: string): boolean {
    this.frontier.add(topic);
    if (!this.graph.hasNode(topic) || this.isArticle(topic)) return false;
    this.graph.mergeNodeAttributes(topic, { frontier: true, color: COLOURS.frontier, size: 3 });
    return false;
  }

  /** A new node starts beside the node it comes from, so that the layout grows it in place. */
  #placeNear(title: string | undefined): { x: number; y: number } {
    const jitter = () => (Math.random() - 0.5) * 2;
    if (title && this.graph.hasNode(title)) {
      const { x, y } = this.graph.getNodeAttributes(title);
      return { x: x + jitter(), y: y + jitter() };
    }
    const spread = 10 * Math.sqrt(this.graph.order + 1);
    return { x: jitter() * spread, y: jitter() * spread };
  }
}

function articleLook(frame: ArticleFrame): Pick<NodeAttrs, "kind" | "label" | "size" | "color"> {
  return { kind: "article", label: frame.title, size: 5, color: COLOURS.article };
}
