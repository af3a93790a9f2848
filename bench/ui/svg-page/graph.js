// The former live graph page (SVG + d3-force), kept only as bench:ui's baseline; the page Lumina
// serves is services/ws-bridge/page. Frames from ws://…/stream become nodes (articles, in blue) and
// links to the titles they point at (grey until they are read themselves). d3-force lays them out.
"use strict";
(() => {
  const GHOST_LINKS_PER_ARTICLE = 20; // keeps the page responsive on link-heavy articles
  const svg = d3.select("#graph");
  const zoomLayer = svg.append("g");
  const linkLayer = zoomLayer.append("g");
  const nodeLayer = zoomLayer.append("g");
  svg.call(
    d3
      .zoom()
      .scaleExtent([0.1, 4])
      .on("zoom", (e) => zoomLayer.attr("transform", e.transform)),
  );

  const nodes = new Map(); // title → {id, title, article?, x, y}
  const links = new Map(); // "a→b" → {source, target}
  const ghostsShown = new Map(); // article title → ghost links drawn
  const articleList = document.getElementById("articles");
  let selected = null;

  const sim = d3
    .forceSimulation()
    .force("charge", d3.forceManyBody().strength(-60))
    .force(
      "link",
      d3
        .forceLink()
        .id((d) => d.id)
        .distance(50),
    )
    .force("center", d3.forceCenter(0, 0))
    .force("collide", d3.forceCollide(8))
    .on("tick", draw);
  window.svgSim = sim; // bench:ui reads sim.alpha() to see when the layout has settled

  function node(title) {
    let n = nodes.get(title);
    if (!n) {
      n = { id: title, title, article: null };
      nodes.set(title, n);
    }
    return n;
  }

  function onFrame(frame) {
    if (frame.type === "NODE") {
      const n = node(frame.id);
      const isNew = !n.article;
      n.article = frame;
      if (isNew) {
        const li = document.createElement("li");
        li.textContent = frame.title;
        li.dataset.title = frame.title;
        li.addEventListener("click", () => select(frame.title));
        articleList.appendChild(li);
      }
    } else if (frame.type === "GRAPH_ADD") {
      const isArticle = nodes.get(frame.target)?.article;
      const shown = ghostsShown.get(frame.source) ?? 0;
      if (!isArticle && shown >= GHOST_LINKS_PER_ARTICLE) return;
      if (!isArticle) ghostsShown.set(frame.source, shown + 1);
      node(frame.source);
      node(frame.target);
      const key = `${frame.source}→${frame.target}`;
      // The link Lumina followed to read an article keeps that label when the page_link arrives too.
      if (links.get(key)?.label !== "read_because")
        links.set(key, { source: frame.source, target: frame.target, label: frame.label });
    }
    scheduleRender();
  }

  let pending = false;
  function scheduleRender() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  }

  function render() {
    const nodeData = [...nodes.values()];
    const linkData = [...links.values()].map((l) => ({ ...l }));
    const sel = nodeLayer.selectAll("g.node").data(nodeData, (d) => d.id);
    const enter = sel
      .enter()
      .append("g")
      .on("click", (_e, d) => select(d.id));
    enter.append("circle");
    enter.append("text").attr("x", 8).attr("y", 4);
    sel
      .merge(enter)
      .attr("class", (d) => `node ${d.article ? "article" : "ghost"}${d.id === selected ? " selected" : ""}`)
      .attr("data-title", (d) => d.id)
      .each(function (d) {
        d3.select(this)
          .select("circle")
          .attr("r", d.article ? 7 : 3);
        d3.select(this)
          .select("text")
          .text(d.article ? d.title : "");
      });
    linkLayer
      .selectAll("line")
      .data(linkData, (d) => `${d.source}→${d.target}`)
      .join("line")
      .attr("class", (d) => (d.label === "read_because" ? "link because" : "link"));
    sim.nodes(nodeData);
    sim.force("link").links(linkData);
    sim.alpha(0.5).restart();
    document.getElementById("node-count").textContent = String(nodeData.filter((n) => n.article).length);
    document.getElementById("link-count").textContent = String(links.size);
  }

  function draw() {
    linkLayer
      .selectAll("line")
      .attr("x1", (d) => d.source.x)
      .attr("y1", (d) => d.source.y)
      .attr("x2", (d) => d.target.x)
      .attr("y2", (d) => d.target.y);
    nodeLayer.selectAll("g.node").attr("transform", (d) => `translate(${d.x ?? 0},${d.y ?? 0})`);
  }

  function select(title) {
    selected = title;
    nodeLayer.selectAll("g.node").classed("selected", (d) => d.id === title);
    const a = nodes.get(title)?.article;
    const panel = document.getElementById("details");
    panel.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = title;
    panel.appendChild(h);
    if (!a) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = "Linked from an article Lumina has read; not read yet itself.";
      panel.appendChild(p);
      return;
    }
    const p = document.createElement("p");
    p.className = "summary";
    p.textContent = a.summary;
    const link = document.createElement("a");
    link.href = a.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Read on Wikipedia";
    panel.append(p, readBecause(a.read_because), link);
  }

  const WHY = {
    seed: "a person seeded it",
    manual: "a person asked for it",
    dangling: "the planner chose a link",
    sparse: "the planner chose a link of an article that told too little",
    low_confidence: "a question was answered badly",
    unknown: "a question found nothing",
  };
  const fmt = (x) => (x >= 0.01 || x === 0 ? x.toFixed(2) : x.toExponential(1));

  /** "Read because …": who asked, the linking article (clickable) and the planner's priority terms. */
  function readBecause(because) {
    const p = document.createElement("p");
    p.className = "because";
    if (!because) {
      p.textContent = "Read because: not recorded (read by an older Lumina).";
      return p;
    }
    p.append(`Read because ${WHY[because.why] ?? because.why}`);
    if (because.parent) {
      const from = document.createElement("a");
      from.href = "#";
      from.textContent = because.parent;
      from.addEventListener("click", (e) => {
        e.preventDefault();
        select(because.parent);
      });
      p.append(" in ", from);
    }
    if (because.terms) {
      const t = because.terms;
      p.append(
        ` — priority ${fmt(t.priority)} = PageRank ${fmt(t.pagerank)} × novelty ${fmt(t.novelty)}` +
          ` × recency ${fmt(t.recency)} × relevance ${fmt(t.relevance)}`,
      );
    }
    p.append(".");
    return p;
  }

  /** A cited chunk (from the chat pane): its article's node selected, the chunk's text shown. */
  function showChunk(chunk) {
    selected = chunk.title;
    nodeLayer.selectAll("g.node").classed("selected", (d) => d.id === chunk.title);
    const panel = document.getElementById("details");
    panel.replaceChildren();
    const h = document.createElement("h2");
    h.textContent = chunk.title;
    const section = document.createElement("p");
    section.className = "muted";
    section.textContent = chunk.section ? `Section: ${chunk.section}` : "Lead";
    const text = document.createElement("p");
    text.className = "chunk";
    // The cited sentence, when the chunk was opened from a source, highlighted where it stands.
    const q = chunk.quote;
    if (q && chunk.text.slice(q.start, q.end) === q.text) {
      const mark = document.createElement("mark");
      mark.textContent = q.text;
      text.append(chunk.text.slice(0, q.start), mark, chunk.text.slice(q.end));
    } else text.textContent = chunk.text;
    const link = document.createElement("a");
    link.href = chunk.permalink || chunk.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = chunk.permalink ? "Read this revision on Wikipedia" : "Read on Wikipedia";
    panel.append(h, section, text, link);
  }
  window.luminaGraph = { select, showChunk };

  function resize() {
    const { width, height } = svg.node().getBoundingClientRect();
    svg.attr("viewBox", [-width / 2, -height / 2, width, height].join(" "));
  }
  window.addEventListener("resize", resize);
  resize();

  // With LUMINA_API_KEY set (config.json says auth), the key is asked for once, kept in this browser,
  // and presented as the WebSocket subprotocol "bearer.<key>" (browsers cannot send headers there).
  const apiKey = {
    get: () => localStorage.getItem("lumina-api-key") || undefined,
    ask() {
      const key = window.prompt("This Lumina needs its API key (LUMINA_API_KEY):") || "";
      localStorage.setItem("lumina-api-key", key);
      return key;
    },
  };
  window.luminaApiKey = apiKey;
  const auth = fetch("/config.json")
    .then((r) => r.json())
    .then((c) => c.auth === true)
    .catch(() => false);

  let retry = 500;
  async function connect() {
    const protocols = (await auth) ? ["lumina", `bearer.${apiKey.get() ?? apiKey.ask()}`] : undefined;
    const ws = new WebSocket(
      `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/stream`,
      protocols,
    );
    const status = document.getElementById("status");
    let opened = false;
    ws.onopen = () => {
      opened = true;
      retry = 500;
      status.textContent = "live";
      status.className = "connected";
    };
    ws.onmessage = (e) => onFrame(JSON.parse(e.data));
    ws.onclose = () => {
      status.textContent = "reconnecting…";
      status.className = "";
      if (!opened && protocols) localStorage.removeItem("lumina-api-key"); // refused: ask again next time
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  }
  void connect();
})();
