import { StreamPublisher } from "@lumina/bus";
import { type EventOf, GraphAdd } from "@lumina/events";
import type { RunningService } from "@lumina/runtime";
import { type RedisServerHandle, startRedisServer } from "@lumina/testing";
import { start } from "@lumina/ws-bridge";
import { Redis } from "ioredis";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The live graph page with 300 articles: a real redis-server, the real ws-bridge, Debian's Chromium
// (software WebGL). The articles are published on graph:add as the crawler publishes them, in six
// topics whose articles link to each other, and reach the page over the WebSocket.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TOPICS = ["Geology", "Botany", "Jazz", "Optics", "Pottery", "Zoology"];
const ARTICLES = 300;

let redisServer: RedisServerHandle;
let redis: Redis;
let bridge: RunningService;
let browser: Browser;

const titleOf = (i: number) => `${TOPICS[i % TOPICS.length]} ${Math.floor(i / TOPICS.length) + 1}`;
const article = (i: number): EventOf<typeof GraphAdd> => {
  const title = titleOf(i);
  const sameTopic = [1, 2, 3].map((k) => titleOf((i + k * TOPICS.length) % ARTICLES));
  return {
    title,
    page_id: i + 1,
    revision: 1000 + i,
    url: `https://en.wikipedia.org/wiki/${title.replace(" ", "_")}`,
    summary: `${title} is article ${i} of the ${TOPICS[i % TOPICS.length]} topic.`,
    fingerprint: `f${i}`,
    wikidata: `Q${100 + i}`,
    links: [...sameTopic, `${title} (not read)`],
    categories: [String(TOPICS[i % TOPICS.length])],
    sections: [
      { heading: title, level: 1, text: "Lead." },
      { heading: "History", level: 2, text: "Old." },
    ],
    fetched_at: new Date().toISOString(),
  };
};

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url);
  bridge = await start({ REDIS_URL: redisServer.url, METRICS_PORT: "0", WS_PORT: "0", LOG_LEVEL: "warn" });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.stop();
  redis?.disconnect();
  await redisServer?.stop();
});

type Api = {
  positions(): { title: string; x?: number; y?: number }[];
  drawn(): { title: string; x?: number; y?: number }[];
  viewportOf(title: string): { x: number; y: number } | undefined;
  stats(): { articles: number; nodes: number; layout: { running: boolean } };
};
const api = <T>(page: Page, fn: (g: Api) => T) =>
  page.evaluate(`(${fn.toString()})(window.luminaGraph)`) as Promise<Awaited<T>>;
type Drawn = { title: string; x?: number; y?: number }[];
/** Every node as drawn once two readings 250 ms apart agree within 0.5 px: layout and camera at rest. */
async function settledView(page: Page): Promise<Drawn> {
  const read = () => api(page, (g) => g.drawn());
  const moved = (a: Drawn, b: Drawn) =>
    a.length !== b.length ||
    a.some((p, i) => Math.hypot((p.x ?? 0) - (b[i]?.x ?? 0), (p.y ?? 0) - (b[i]?.y ?? 0)) >= 0.5);
  let last = await read();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await read();
    if (!moved(last, now)) return now;
    last = now;
  }
  throw new Error("the graph kept moving for 10 s");
}
const graphBox = (page: Page) =>
  page.locator("#graph").evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });

describe("the live graph page with 300 articles (headless Chromium, WebGL)", () => {
  let page: Page;

  it("fits every read article in the view once they have arrived", async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(bridge.urls.ws as string);
    await page.locator("#status.connected").waitFor({ timeout: 10_000 });
    const publisher = new StreamPublisher({ redis });
    for (let i = 0; i < ARTICLES; i++) await publisher.publish(GraphAdd, article(i));

    await expect.poll(() => page.locator("#node-count").textContent(), { timeout: 20_000 }).toBe("300");
    await expect
      .poll(() => api(page, (g) => g.stats().layout.running), { timeout: 60_000, interval: 500 })
      .toBe(false);
    const box = await graphBox(page);
    const positions = await api(page, (g) => g.positions());
    expect(positions).toHaveLength(ARTICLES);
    const outside = positions.filter(
      (p) =>
        p.x === undefined || p.y === undefined || p.x < 0 || p.y < 0 || p.x > box.width || p.y > box.height,
    );
    expect(outside).toEqual([]);
    // The titles they link to and nobody read are there too, faintly.
    expect((await api(page, (g) => g.stats())).nodes).toBe(2 * ARTICLES);
    // Topic colours with a legend naming the largest topics.
    await expect.poll(() => page.locator("#legend li").count()).toBeGreaterThanOrEqual(TOPICS.length);
    await page.screenshot({ path: "/tmp/lumina-graph-300.png" });
  }, 120_000);

  it("centres an article found with the search box", async () => {
    await page.locator("#search-input").fill("jazz 17");
    await page.locator("#search-input").press("Enter");
    const box = await graphBox(page);
    await expect
      .poll(
        async () => {
          const p = await api(page, (g) => g.viewportOf("Jazz 17"));
          return p ? Math.hypot(p.x - box.width / 2, p.y - box.height / 2) : Infinity;
        },
        { timeout: 5_000 },
      )
      .toBeLessThan(10);
    expect(await page.locator("#details h2").textContent()).toBe("Jazz 17");
  });

  it("shows an article's summary, Wikidata id, link and sections when its node is clicked", async () => {
    // An article drawn on its own — no other node, read or only linked to, within 30 px, more than
    // the largest node's radius — so that the click can only mean it.
    // Chosen only once the whole view is at rest (the camera eases towards the searched article and
    // the layout may still settle), so that no other node moves under the click afterwards.
    const box = await graphBox(page);
    const drawn = await settledView(page);
    const articles = new Set((await api(page, (g) => g.positions())).map((p) => p.title));
    const clear = drawn.filter(
      (p) =>
        p.x !== undefined &&
        articles.has(p.title) &&
        p.title !== "Jazz 17" &&
        drawn.every((q) => q === p || Math.hypot((q.x ?? 0) - (p.x ?? 0), (q.y ?? 0) - (p.y ?? 0)) > 30),
    );
    const target = clear.find(
      (p) => (p.x ?? 0) > 40 && (p.y ?? 0) > 60 && (p.x ?? 0) < 700 && (p.y ?? 0) < 700,
    );
    expect(target).toBeDefined();
    const { title, x = 0, y = 0 } = target as Drawn[number];
    await page.mouse.click(box.x + x, box.y + y);
    await expect.poll(() => page.locator("#details h2").textContent()).toBe(title);
    expect(await page.locator("#details .summary").textContent()).toMatch(new RegExp(`^${title} is article`));
    const i = Number((await page.locator("#details .wikidata").textContent())?.slice(1)) - 100;
    expect(titleOf(i)).toBe(title);
    expect(await page.locator("#details .sections li").allTextContents()).toEqual(["History"]);
    await page.close();
  });

  it("stays usable on a narrow window: the graph gets the width, the panel goes below", async () => {
    const narrow = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await narrow.goto(bridge.urls.ws as string);
    await expect.poll(() => narrow.locator("#node-count").textContent(), { timeout: 20_000 }).toBe("300");
    const box = await graphBox(narrow);
    expect(box.width).toBeGreaterThanOrEqual(380);
    expect(box.height).toBeGreaterThanOrEqual(400);
    const aside = await narrow.locator("aside").boundingBox();
    expect(aside?.y).toBeGreaterThanOrEqual(box.y + box.height - 1);
    // Numbers of five digits fit left of the article list.
    const padding = await narrow.evaluate(
      'parseFloat(getComputedStyle(document.getElementById("articles")).paddingLeft)',
    );
    expect(padding).toBeGreaterThanOrEqual(45);
    await narrow.close();
  });
});
