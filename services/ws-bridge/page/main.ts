// The live graph page: frames from /stream build the graph (in batches, below), the layout runs in a
// worker, sigma draws it; the side panel shows details, the article list and chat.
// window.luminaGraph is the page's API, used by the chat pane, the tests and bench:ui.
import { Analysis } from "./analysis.ts";
import { ChatPane } from "./chat.ts";
import { type CitedChunk, Details } from "./details.ts";
import { COLOURS, KnowledgeGraph } from "./graph-model.ts";
import { Layout } from "./layout.ts";
import { connect } from "./socket.ts";
import type { Frame } from "../src/domain/frames.ts";
import { GraphView } from "./view.ts";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const kg = new KnowledgeGraph();
const layout = new Layout(kg.graph);
const analysis = new Analysis(kg);
const view = new GraphView(kg.graph, $("graph"), (title) => select(title));
const details = new Details($("details"), kg, (title) => select(title));
const articleList = $<HTMLOListElement>("articles");

function select(title: string): void {
  view.select(title);
  details.showArticle(title);
  markListed(title);
}

function markListed(title: string): void {
  for (const li of articleList.querySelectorAll("li.selected")) li.classList.remove("selected");
  articleList.querySelector(`li[data-title="${CSS.escape(title)}"]`)?.classList.add("selected");
}

// Frames are applied in batches, at most every APPLY_MS or 0.1 ms per node: each batch that changes
// the graph restarts the layout worker with the new graph, so the worker gets time to iterate between.
const APPLY_MS = 500;
let queued: Frame[] = [];
let applyTimer: ReturnType<typeof setTimeout> | undefined;
let lastApply = -APPLY_MS;
function onFrames(frames: Frame[]): void {
  queued.push(...frames);
  const gap = Math.max(APPLY_MS, kg.graph.order / 10);
  applyTimer ??= setTimeout(applyQueued, Math.max(0, lastApply + gap - performance.now()));
}

/** All frames that arrived since the last batch, applied at once. */
function applyQueued(): void {
  applyTimer = undefined;
  lastApply = performance.now();
  const frames = queued;
  queued = [];
  let changed = false;
  for (const f of frames) changed = kg.apply(f) || changed;
  for (const title of kg.takeNewArticles()) {
    const li = Object.assign(document.createElement("li"), { textContent: title });
    li.dataset.title = title;
    li.addEventListener("click", () => select(title));
    articleList.append(li);
  }
  if (changed) {
    layout.kick();
    analysis.schedule();
  }
  $("node-count").textContent = String(kg.articles.size);
  $("link-count").textContent = String(kg.graph.size);
}

function legendItem(colour: string, text: string, onClick?: () => void): HTMLLIElement {
  const li = document.createElement("li");
  const swatch = Object.assign(document.createElement("span"), { className: "swatch" });
  swatch.style.background = colour;
  li.append(swatch, text);
  if (onClick) li.addEventListener("click", onClick);
  return li;
}

/** The largest topics (named by their most central article; a click finds it), then the ghosts. */
analysis.onUpdate = () => {
  $("legend").replaceChildren(
    ...analysis.topics.map((t) => legendItem(t.colour, `${t.name} (${t.articles})`, () => void find(t.name))),
    legendItem(COLOURS.ghost, "linked, not read yet"),
    legendItem(COLOURS.frontier, "queued to read (a gap)"),
  );
};

/** The article whose title is the query, or starts with it, or holds it (case-insensitive). */
function lookUp(query: string): string | undefined {
  const q = query.trim().toLowerCase();
  if (!q) return undefined;
  const titles = [...kg.articles.keys()];
  return (
    titles.find((t) => t.toLowerCase() === q) ??
    titles.find((t) => t.toLowerCase().startsWith(q)) ??
    titles.find((t) => t.toLowerCase().includes(q))
  );
}

async function find(query: string): Promise<string | undefined> {
  const title = lookUp(query);
  if (!title) return undefined;
  select(title);
  await view.centre(title);
  return title;
}

$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>("search-input");
  void find(input.value).then((t) => input.classList.toggle("not-found", t === undefined));
});
$("fit").addEventListener("click", () => view.fit());

const chat = new ChatPane($("chat-form"), $("chat-input"), $("chat-log"), {
  openChunk: (chunk) => showChunk(chunk as CitedChunk),
  cited: (titles) => view.cite(titles.filter((t) => kg.isArticle(t))),
});

function showChunk(chunk: CitedChunk): void {
  view.select(chunk.title);
  details.showChunk(chunk);
  markListed(chunk.title);
}

declare global {
  interface Window {
    luminaGraph: unknown;
  }
}
window.luminaGraph = {
  select,
  showChunk,
  find,
  fit: () => view.fit(),
  ask: (q: string) => chat.ask(q),
  /** where each read article is drawn, in CSS pixels of the graph's container */
  positions: () => [...kg.articles.keys()].map((title) => ({ title, ...view.viewportOf(title) })),
  /** where every node is drawn, read articles and the titles they link to alike */
  drawn: () => kg.graph.nodes().map((title) => ({ title, ...view.viewportOf(title) })),
  viewportOf: (title: string) => view.viewportOf(title),
  /** the link from one title to another as drawn (because: the link Lumina followed to read it) */
  link: (source: string, target: string) =>
    kg.graph.hasEdge(source, target) ? kg.graph.getEdgeAttributes(source, target) : undefined,
  isGhost: (title: string) => kg.graph.hasNode(title) && !kg.isArticle(title),
  cited: () => view.cited(),
  stats: () => ({
    articles: kg.articles.size,
    nodes: kg.graph.order,
    links: kg.graph.size,
    layout: { ...layout.state },
    topics: analysis.topics.length,
    userMoved: view.userMoved,
    pendingFrames: queued.length,
  }),
};

connect(onFrames, $("status"));
