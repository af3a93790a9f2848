import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Lumina } from "@lumina/cli";
import { waitFor } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import type { WikiFixture } from "@lumina/wiki-fixture";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type LuminaUnderTest, startLuminaOnFreePorts } from "./lumina-under-test.ts";

// The whole one-process runner (what `npm start` runs) against the local Wikipedia fixture, watched
// through Debian's Chromium: a person seeds a topic and sees it appear on the live graph page.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** What the page exposes as window.luminaGraph (services/ws-bridge/page/main.ts), as far as used here. */
type Graph = {
  viewportOf(title: string): { x: number; y: number } | undefined;
  stats(): { articles: number; nodes: number };
  cited(): string[];
  link(source: string, target: string): { because: boolean } | undefined;
};
/** Calls the page's API in the page (the function's source is sent, as in graph-page.test.ts). */
const graphApi = <T>(page: Page, fn: (g: Graph) => T) =>
  page.evaluate(`(${fn.toString()})(window.luminaGraph)`) as Promise<Awaited<T>>;

let lut: LuminaUnderTest;
let lumina: Lumina;
let wiki: WikiFixture;
let browser: Browser;

beforeAll(async () => {
  // Fixed free ports, not the defaults: the page calls the chat API on CHAT_PORT, which allows the
  // page's origin on whatever WS_PORT is by default (CORS_ORIGINS unset).
  lut = await startLuminaOnFreePorts(([chatPort, wsPort]) => ({
    CHAT_PORT: String(chatPort),
    WS_PORT: String(wsPort),
  }));
  ({ lumina, wiki } = lut);
  // Bodmin links to Bodmin Moor, which the bundled corpus lacks: this wiki has it, and nobody seeds it.
  wiki.corpus.add(
    "Bodmin Moor",
    "'''Bodmin Moor''' is a granite moorland in north-eastern [[Cornwall]], England, north-east of [[Bodmin]].\n\n" +
      "== Geology ==\nThe moor is one of the granite plutons of the Cornubian batholith.",
  );

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await lut?.stop();
});

describe("live graph page (headless Chromium)", () => {
  it("shows a seeded topic as a node with its summary, and answers a question about it with clickable sources", async () => {
    const pageUrl = lumina.services.find((s) => s.name === "ws-bridge")?.urls.ws as string;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pageUrl);
    await page.locator("#status.connected").waitFor({ timeout: 10_000 });

    const port = String(lumina.localRedis?.port);
    await promisify(execFile)("redis-cli", ["-p", port, "ZADD", "crawl:queue", "0", "Bodmin"]);
    await page.locator('#articles li[data-title="Bodmin"]').waitFor({ timeout: 20_000 });
    expect(Number(await page.locator("#node-count").textContent())).toBeGreaterThanOrEqual(1);
    // Drawn (sigma.js, WebGL): Bodmin's node, and the titles it links to as nodes not read yet.
    expect(await graphApi(page, (g) => g.viewportOf("Bodmin"))).toBeDefined();
    const unread = async () => {
      const stats = await graphApi(page, (g) => g.stats());
      return stats.nodes - stats.articles;
    };
    await expect.poll(unread).toBeGreaterThan(0);

    await page.locator('#articles li[data-title="Bodmin"]').click();
    await expect.poll(() => page.locator("#details h2").textContent()).toBe("Bodmin");
    expect(await page.locator("#details .summary").textContent()).toMatch(
      /^Bodmin .*historic town in Cornwall/,
    );
    expect(await page.locator("#details .links a").first().getAttribute("href")).toBe(
      `${new URL(wiki.apiUrl).origin}/wiki/Bodmin`,
    );
    expect(await page.locator("#details .because").textContent()).toBe("Read because a person seeded it.");

    await promisify(execFile)("redis-cli", ["-p", port, "XADD", "crawl:req", "*", "url", "Goryeo_ware"]);
    await page.locator('#articles li[data-title="Goryeo ware"]').waitFor({ timeout: 20_000 });
    expect(Number(await page.locator("#node-count").textContent())).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(tmpdir(), "lumina-live-graph.png") });

    // The node shows as soon as the crawler publishes the article; the answer needs it indexed, and
    // the rag-worker sees new chunks within a second. Articles the planner asked for after Bodmin may
    // be indexed first: on a busy 2-core machine that took longer than 10 s once.
    const cli = (...args: string[]) => promisify(execFile)("redis-cli", ["-p", port, ...args]);
    await waitFor(
      "Goryeo ware indexed",
      async () => (await cli("SISMEMBER", "kg:nodes", "Goryeo ware")).stdout.trim() === "1",
      { timeoutMs: 30_000 },
    );
    await new Promise((r) => setTimeout(r, 1500));

    // The chat pane asks the rag-worker (streamed, /v1/chat/completions); the answer cites chunks of
    // the article, which open on click, and the cited article is marked in the graph.
    await page.locator("#chat-input").fill("What kind of pottery is Goryeo ware?");
    await page.locator("#chat-input").press("Enter");
    const answer = page.locator("#chat-log .answer.done").first();
    await answer.waitFor({ timeout: 20_000 });
    expect(await answer.locator(".text").textContent()).toMatch(/Korean pottery/);
    const sources = answer.locator(".sources a");
    expect(await sources.count()).toBeGreaterThan(0);
    expect(await sources.first().textContent()).toMatch(/^\[1\] Goryeo ware$/);
    expect(await graphApi(page, (g) => g.cited())).toContain("Goryeo ware");
    // The session's answers scroll in their own pane; the details keep their room.
    expect(await page.evaluate('getComputedStyle(document.getElementById("chat-log")).overflowY')).toBe(
      "auto",
    );
    expect((await page.locator("#details").boundingBox())?.height).toBeGreaterThan(150);
    // Each source shows the sentence the answer rests on; opened, the chunk has it highlighted.
    const quoted = await answer.locator(".sources q.quote").first().textContent();
    expect(quoted).toMatch(/Korean pottery/);
    await sources.first().click();
    await expect.poll(() => page.locator("#details h2").textContent()).toBe("Goryeo ware");
    expect(await page.locator("#details .chunk").textContent()).toMatch(/Goryeo/);
    expect(await page.locator("#details .chunk mark").textContent()).toBe(quoted);
    expect(await page.locator("#details a").last().getAttribute("href")).toMatch(
      /\/w\/index\.php\?title=Goryeo_ware&oldid=\d+#:~:text=/,
    );
    await page.screenshot({ path: join(tmpdir(), "lumina-live-graph-chat.png") });
  }, 90_000);
});

describe("why an article was read (provenance), live", () => {
  it("an article Lumina read by itself names its parent and reason in graph:add, /chunks/:id and the page", async () => {
    const port = String(lumina.localRedis?.port);
    const cli = (...args: string[]) => promisify(execFile)("redis-cli", ["-p", port, ...args]);
    // Bodmin was seeded by the test above; nobody asks for Bodmin Moor.
    await waitFor(
      "Bodmin Moor read by itself",
      async () => (await cli("SISMEMBER", "kg:nodes", "Bodmin Moor")).stdout.trim() === "1",
      { timeoutMs: 40_000 },
    );

    // The graph:add frame, as a newly connected client gets it.
    const wsUrl = `${lut.url("ws-bridge", "ws").replace(/^http/, "ws")}/stream`;
    const frames = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const got: Record<string, unknown>[] = [];
      const ws = new WebSocket(wsUrl);
      ws.on("message", (m) => got.push(JSON.parse(String(m))));
      ws.on("error", reject);
      setTimeout(() => {
        ws.close();
        resolve(got);
      }, 1_000);
    });
    const moor = frames.find((f) => f.type === "NODE" && f.title === "Bodmin Moor");
    expect(moor?.read_because).toMatchObject({ source: "planner", why: "dangling", parent: "Bodmin" });
    const terms = (moor?.read_because as { terms: Record<string, number> }).terms;
    expect(Object.keys(terms).sort()).toEqual(["novelty", "pagerank", "priority", "recency", "relevance"]);
    expect(frames).toContainEqual({
      type: "GRAPH_ADD",
      source: "Bodmin",
      target: "Bodmin Moor",
      label: "read_because",
    });

    // /chunks/:id of one of its chunks.
    const store = await LanceDbStore.open(join(lut.dataDir, "vectors"));
    const [hit] = await store
      .query("chunks", {
        mode: "sparse",
        text: "granite moorland",
        limit: 1,
        filter: { title: "Bodmin Moor" },
      })
      .finally(() => store.close());
    const chunk = (await (await fetch(`${lut.url("rag-worker", "chat")}/chunks/${hit?.id}`)).json()) as {
      read_because?: Record<string, unknown>;
    };
    expect(chunk.read_because).toMatchObject({ source: "planner", why: "dangling", parent: "Bodmin", terms });

    // The page: "Read because …" with the parent clickable, and the link it was read along drawn apart.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(lut.url("ws-bridge", "ws"));
    await page.locator('#articles li[data-title="Bodmin Moor"]').click();
    const because = page.locator("#details .because");
    await expect
      .poll(() => because.textContent())
      .toMatch(
        /^Read because the planner chose a link in Bodmin — priority \S+ = PageRank \S+ × novelty 1\.00 × recency \S+ × relevance \S+\.$/,
      );
    const followed = await graphApi(page, (g) => g.link("Bodmin", "Bodmin Moor"));
    expect(followed).toMatchObject({ because: true });
    await page.screenshot({ path: join(tmpdir(), "lumina-read-because.png") });
    await because.locator("a").click();
    await expect.poll(() => page.locator("#details h2").textContent()).toBe("Bodmin");
    await page.close();
  }, 60_000);
});
