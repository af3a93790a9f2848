/**
 * bench/ui — the live graph page under load, in headless Chromium (Debian's, software WebGL through
 * SwiftShader). For each size, generated labelled articles are streamed over a WebSocket into the page
 * Lumina serves (sigma.js/WebGL, ForceAtlas2 in a worker) and into the former SVG page (d3-force),
 * the same way; prints the time until every article is on the page, until the layout settles, and the
 * frame time (p50/p95) while the view is dragged around for PAN_MS.
 * Usage: npm run bench:ui -- [--sizes 1000,5000,10000] [--pages webgl,svg] [--settle-timeout 120]
 *   [--screenshots docs/img] (the WebGL page at each size, as graph-<size>.png)
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Browser, chromium, type Page } from "playwright-core";
import { generatedFrames } from "./frames.ts";
import { type PageKind, servePage } from "./server.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,5000,10000" },
    pages: { type: "string", default: "webgl,svg" },
    "settle-timeout": { type: "string", default: "120" },
    screenshots: { type: "string" },
  },
});
const PAN_MS = 4_000;
const VIEW = { width: 1280, height: 800 };
const settleTimeoutMs = Number(values["settle-timeout"]) * 1000;
const say = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  page: PageKind;
  articles: number;
  loadedS: number | undefined;
  settledS: number | undefined;
  frameP50: number;
  frameP95: number;
  frames: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** Waits for a condition evaluated in the page; the seconds it took from `since`, or undefined. */
async function secondsUntil(page: Page, test: string, since: number, timeoutMs: number) {
  try {
    await page.waitForFunction(test, undefined, { timeout: timeoutMs, polling: 250 });
    return (performance.now() - since) / 1000;
  } catch {
    return undefined;
  }
}

/** Drags the view in a circle for PAN_MS while the page records its animation frames. */
async function panFrameTimes(page: Page): Promise<number[]> {
  await page.evaluate(`{
    window.__frames = [];
    window.__record = true;
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__record) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }`);
  const cx = VIEW.width * 0.35;
  const cy = VIEW.height * 0.5;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const started = performance.now();
  for (let i = 0; performance.now() - started < PAN_MS; i++)
    await page.mouse.move(cx + 150 * Math.cos(i / 8), cy + 150 * Math.sin(i / 8));
  await page.mouse.up();
  const stamps = (await page.evaluate("window.__record = false, window.__frames")) as number[];
  return stamps.slice(1).map((t, i) => t - (stamps[i] as number));
}

const SETTLED: Record<PageKind, (n: number) => string> = {
  webgl: (n) =>
    `(() => { const s = window.luminaGraph.stats(); return s.articles >= ${n} && !s.layout.running; })()`,
  svg: (n) =>
    `Number(document.getElementById("node-count").textContent) >= ${n} && window.svgSim.alpha() < window.svgSim.alphaMin()`,
};

async function measure(browser: Browser, kind: PageKind, articles: number): Promise<Row> {
  const server = await servePage(kind, generatedFrames(articles));
  const page = await browser.newPage({ viewport: VIEW });
  // tsx names the functions it compiles (__name); functions sent to page.evaluate need it there too.
  await page.addInitScript({ content: "window.__name = (f) => f;" });
  try {
    await page.goto(server.url);
    const since = performance.now();
    const loaded = `Number(document.getElementById("node-count").textContent) >= ${articles}`;
    const loadedS = await secondsUntil(page, loaded, since, settleTimeoutMs);
    const left = Math.max(1_000, settleTimeoutMs - (performance.now() - since));
    const settledS =
      loadedS === undefined ? undefined : await secondsUntil(page, SETTLED[kind](articles), since, left);
    if (values.screenshots && kind === "webgl")
      await page.screenshot({ path: join(values.screenshots, `graph-${articles}.png`) });
    const intervals = await panFrameTimes(page);
    return {
      page: kind,
      articles,
      loadedS,
      settledS,
      frameP50: quantile(intervals, 0.5),
      frameP95: quantile(intervals, 0.95),
      frames: intervals.length,
    };
  } finally {
    await page.close();
    await server.close();
  }
}

const fmt = (s: number | undefined) =>
  s === undefined ? `> ${values["settle-timeout"]} s` : `${s.toFixed(1)} s`;

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const rows: Row[] = [];
  try {
    for (const articles of values.sizes.split(",").map(Number))
      for (const kind of values.pages.split(",") as PageKind[]) {
        say(`${kind}: ${articles} articles…`);
        const row = await measure(browser, kind, articles);
        say(
          `  all on the page ${fmt(row.loadedS)}, settled ${fmt(row.settledS)}, pan frame p50 ${row.frameP50.toFixed(1)} ms p95 ${row.frameP95.toFixed(1)} ms`,
        );
        rows.push(row);
      }
  } finally {
    await browser.close();
  }
  console.log(
    "| page | articles | all on the page | layout settled | frame p50 panning | frame p95 panning | frames |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows)
    console.log(
      `| ${r.page === "webgl" ? "sigma.js / WebGL (served)" : "SVG / d3 (former)"} | ${r.articles.toLocaleString("en")} | ${fmt(r.loadedS)} | ${fmt(r.settledS)} | ${r.frameP50.toFixed(1)} ms | ${r.frameP95.toFixed(1)} ms | ${r.frames} |`,
    );
}

await main();
