// Size by PageRank and colour by topic: PageRank and Louvain communities over the link graph,
// recomputed as it grows: only after it grew, and at most every MIN_GAP_MS or 1 ms per node (Louvain
// over 10,000 nodes takes a few hundred ms of the page's thread).
import louvain from "graphology-communities-louvain";
import pagerank from "graphology-metrics/centrality/pagerank";
import type { KnowledgeGraph } from "./graph-model.ts";

const MIN_GAP_MS = 2_000;
const PALETTE = [
  "#3b6fd8",
  "#d8533b",
  "#2f9e6e",
  "#9b59b6",
  "#e0a030",
  "#1fa2b8",
  "#c2417f",
  "#6d8a1f",
  "#8c6d4f",
  "#5a6acf",
  "#d97706",
  "#0f766e",
];
const OTHER = "#7b8494"; // an article Louvain has not placed yet
export const LEGEND_SIZE = 8;

export interface Topic {
  colour: string;
  /** the community's article with the highest PageRank names it */
  name: string;
  articles: number;
}

export class Analysis {
  readonly #kg: KnowledgeGraph;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastRun = 0;
  #orderAtRun = 0;
  topics: Topic[] = [];
  /** called after each run, for the legend and the renderer */
  onUpdate: () => void = () => undefined;

  constructor(kg: KnowledgeGraph) {
    this.#kg = kg;
  }

  /** The graph grew: recompute soon, unless that was done a moment ago. */
  schedule(): void {
    if (this.#timer) return;
    const gap = Math.max(MIN_GAP_MS, this.#kg.graph.order);
    const wait = Math.max(0, this.#lastRun + gap - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#kg.graph.order !== this.#orderAtRun) this.run();
    }, wait);
  }

  run(): void {
    const { graph } = this.#kg;
    this.#lastRun = performance.now();
    this.#orderAtRun = graph.order;
    if (graph.size === 0) return;
    const rank = pagerank(graph, { getEdgeWeight: null });
    const community = louvain(graph, { getEdgeWeight: null, rng: seeded(7) }); // same input, same topics
    this.topics = this.#colour(rank, community);
    this.onUpdate();
  }

  #colour(rank: Record<string, number>, community: Record<string, number>): Topic[] {
    const { graph } = this.#kg;
    const groups = new Map<number, { top: string; articles: number }>();
    let maxRank = 0;
    for (const title of this.#kg.articles.keys()) {
      const c = community[title] ?? -1;
      const g = groups.get(c) ?? { top: title, articles: 0 };
      g.articles++;
      if ((rank[title] ?? 0) > (rank[g.top] ?? 0)) g.top = title;
      groups.set(c, g);
      maxRank = Math.max(maxRank, rank[title] ?? 0);
    }
    const ordered = [...groups.entries()].sort((a, b) => b[1].articles - a[1].articles);
    // Largest topics first; past the palette's length colours repeat (only the legend's are unique).
    const colourOf = new Map(ordered.map(([c], i) => [c, PALETTE[i % PALETTE.length] ?? OTHER]));
    // Smaller discs as the graph grows, so that 10,000 articles do not cover each other at fit.
    const scale = Math.max(0.35, Math.min(1, Math.sqrt(1000 / Math.max(1, this.#kg.articles.size))));
    // One update for all nodes (one re-render), not one event per article.
    graph.updateEachNodeAttributes(
      (title, a) => {
        if (a.kind !== "article") return a;
        const share = maxRank > 0 ? Math.sqrt((rank[title] ?? 0) / maxRank) : 0;
        return { ...a, size: 1.5 + 8 * scale * share, color: colourOf.get(community[title] ?? -1) ?? OTHER };
      },
      { attributes: ["size", "color"] },
    );
    return ordered.slice(0, LEGEND_SIZE).map(([c, g]) => ({
      colour: colourOf.get(c) ?? OTHER,
      name: g.top,
      articles: g.articles,
    }));
  }
}

/** mulberry32: a small seeded generator, so that Louvain colours the same graph the same way. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
