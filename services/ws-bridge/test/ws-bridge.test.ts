import { StreamPublisher, toArgs } from "@lumina/bus";
import { ChatTurn, encodeEvent, type EventOf, GapRequest, GraphAdd } from "@lumina/events";
import type { RunningService } from "@lumina/runtime";
import { type RedisServerHandle, startRedisServer, waitFor } from "@lumina/testing";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Frame } from "../src/domain/frames.ts";
import { toFrames } from "../src/domain/frames.ts";
import { LINKS_KEPT, RecentArticles, UNREAD_LINKS_SENT } from "../src/recent-articles.ts";
import { start } from "../src/main.ts";

let server: RedisServerHandle;
let redis: Redis;
let bridge: RunningService;
const sockets: WebSocket[] = [];

const article = (
  title: string,
  links: string[] = [],
  summary = `${title} is a test article.`,
): EventOf<typeof GraphAdd> => ({
  title,
  page_id: 1,
  revision: 1,
  url: `https://en.wikipedia.org/wiki/${title}`,
  summary,
  fingerprint: "f",
  links,
  categories: ["Tests"],
  sections: [{ heading: title, level: 1, text: summary }],
  fetched_at: new Date().toISOString(),
});

function client(): { ws: WebSocket; frames: Frame[]; opened: Promise<void> } {
  const ws = new WebSocket(`${bridge.urls.ws?.replace("http", "ws")}/stream`);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on("message", (data) => frames.push(JSON.parse(String(data)) as Frame));
  return { ws, frames, opened: new Promise((r) => ws.once("open", () => r())) };
}

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await bridge?.stop();
  await redis.flushall();
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const startBridge = async (extra: Record<string, string> = {}) => {
  bridge = await start({
    REDIS_URL: server.url,
    METRICS_PORT: "0",
    WS_PORT: "0",
    LOG_LEVEL: "silent",
    ...extra,
  });
};

describe("frames", () => {
  it("turns an article into a node frame and one link frame per outgoing link", () => {
    const frames = toFrames("graph:add", "1-0", {
      title: "Bodmin",
      page_id: "5",
      revision: "9",
      url: "https://en.wikipedia.org/wiki/Bodmin",
      summary: "Bodmin is a town.",
      fingerprint: "f",
      links: '["Cornwall","Bodmin Moor"]',
      categories: '["Towns in Cornwall"]',
      sections: JSON.stringify([
        { heading: "Bodmin", level: 1, text: "Bodmin is a town." },
        { heading: "History", level: 2, text: "Old." },
      ]),
      fetched_at: "2026-11-23T00:00:00Z",
    });
    expect(frames).toEqual([
      {
        type: "NODE",
        id: "Bodmin",
        title: "Bodmin",
        summary: "Bodmin is a town.",
        url: "https://en.wikipedia.org/wiki/Bodmin",
        categories: ["Towns in Cornwall"],
        sections: ["History"], // the lead (headed by the title) is the summary
      },
      { type: "GRAPH_ADD", source: "Bodmin", target: "Cornwall", label: "page_link" },
      { type: "GRAPH_ADD", source: "Bodmin", target: "Bodmin Moor", label: "page_link" },
    ]);
  });

  it("turns a reflection into a NOTE frame carrying the note, clipped for the page", () => {
    const note = `Bodmin ${"is old ".repeat(100)}`;
    const [frame] = toFrames("think:note", "1-0", {
      pad_id: "p",
      title: "Bodmin",
      round: "1",
      rounds: "3",
      note,
      ts: "2026-11-23T00:00:00Z",
    });
    expect(frame).toMatchObject({ type: "NOTE", title: "Bodmin", round: 1, rounds: 3 });
    expect(frame?.type === "NOTE" && frame.note).toBe(`${note.slice(0, 399)}…`);
  });

  it("yields nothing for an entry that breaks its schema", () => {
    expect(toFrames("graph:add", "1-0", { title: "X" })).toEqual([]);
    expect(toFrames("gap:req", "1-0", { topic: "X", reason: "dangling" })).toEqual([
      { type: "GAP", topic: "X", reason: "dangling" },
    ]);
  });
});

describe("RecentArticles", () => {
  const node = (t: string): Frame => ({
    type: "NODE",
    id: t,
    title: t,
    summary: "",
    url: "u",
    categories: [],
    sections: [],
  });
  it("keeps the last N articles with their links, a re-read one moving to the end", () => {
    const recent = new RecentArticles(2);
    recent.add([node("A"), { type: "GRAPH_ADD", source: "A", target: "X", label: "page_link" }]);
    recent.add([node("B")]);
    recent.add([{ type: "GAP", topic: "Z", reason: "dangling" }]); // not an article: ignored
    recent.add([node("A")]);
    recent.add([node("C")]);
    expect(recent.frames().map((f) => (f.type === "NODE" ? f.id : f.type))).toEqual(["A", "C"]);
    expect(new RecentArticles(0).frames()).toEqual([]);
  });

  it("sends links between recent articles, at most UNREAD_LINKS_SENT per article to titles not read", () => {
    const recent = new RecentArticles(10);
    const link = (
      source: string,
      target: string,
      label: "page_link" | "read_because" = "page_link",
    ): Frame => ({
      type: "GRAPH_ADD",
      source,
      target,
      label,
    });
    const unread = Array.from({ length: 20 }, (_, i) => link("A", `unread ${i}`));
    recent.add([node("A"), link("A", "B"), ...unread]);
    const many = Array.from({ length: LINKS_KEPT + 5 }, (_, i) => link("B", `more ${i}`));
    recent.add([node("B"), link("P", "B", "read_because"), ...many, link("B", "A")]);
    const sent = recent.frames().filter((f) => f.type === "GRAPH_ADD");
    expect(sent).toEqual([
      link("A", "B"),
      ...unread.slice(0, UNREAD_LINKS_SENT),
      link("P", "B", "read_because"),
      ...many.slice(0, UNREAD_LINKS_SENT), // B's link to A came after its first LINKS_KEPT: not kept
    ]);
  });
});

describe("ws-bridge over a real Redis and real WebSockets", () => {
  it("sends every new article to every client, and recent ones to a client that joins later", async () => {
    await startBridge();
    const a = client();
    const b = client();
    await Promise.all([a.opened, b.opened]);
    const publisher = new StreamPublisher({ redis });
    await publisher.publish(GraphAdd, article("Bodmin", ["Cornwall"]));
    await publisher.publish(GapRequest, { topic: "Cornwall", reason: "dangling" });
    for (const c of [a, b]) {
      await waitFor("the frames", () => c.frames.length === 3);
      expect(c.frames.map((f) => f.type)).toEqual(["NODE", "GRAPH_ADD", "GAP"]);
    }
    const late = client();
    await waitFor("the late client's welcome", () => late.frames.length === 2);
    expect(late.frames[0]).toMatchObject({ type: "NODE", title: "Bodmin" });
  });

  it("never sends a user's chat turns to the page, not even as an event frame", async () => {
    await startBridge();
    const c = client();
    await c.opened;
    const publisher = new StreamPublisher({ redis });
    await publisher.publish(ChatTurn, {
      turn_id: "01TURN",
      user: "carlos",
      session: "s1",
      query: "Me llamo Carlos, voy al Himalaya",
      answer: "Gracias",
      confidence: 0.9,
      ts: new Date().toISOString(),
    });
    await publisher.publish(GapRequest, { topic: "Cornwall", reason: "dangling" });
    await waitFor("the gap frame", () => c.frames.some((f) => f.type === "GAP"));
    await new Promise((r) => setTimeout(r, 300));
    expect(c.frames.filter((f) => JSON.stringify(f).includes("chat:turn"))).toEqual([]);
  });

  it("sends a client the articles published before the bridge started, newest last, at most WS_RECENT_NODES", async () => {
    const publisher = new StreamPublisher({ redis });
    for (const t of ["Old one", "Old two", "Old three"]) await publisher.publish(GraphAdd, article(t));
    await startBridge({ WS_RECENT_NODES: "2" });
    const c = client();
    await waitFor("the welcome", () => c.frames.length === 2);
    expect(c.frames.map((f) => (f.type === "NODE" ? f.title : f.type))).toEqual(["Old two", "Old three"]);
  });

  it("reads them back a page of 500 at a time, all of them in order, by default", async () => {
    const pipeline = redis.pipeline();
    const titles = Array.from({ length: 1_234 }, (_, i) => `Old ${i}`);
    for (const t of titles) pipeline.xadd(GraphAdd.name, "*", ...toArgs(encodeEvent(GraphAdd, article(t))));
    await pipeline.exec();
    await startBridge();
    const c = client();
    await waitFor("the welcome", () => c.frames.length === titles.length);
    expect(c.frames.map((f) => (f.type === "NODE" ? f.title : f.type))).toEqual(titles);
  });

  it("keeps serving fast clients while one client stops reading, and drops that one", async () => {
    await startBridge({ WS_MAX_BUFFER_BYTES: "65536", WS_SLOW_CLIENT_MS: "300", WS_RECENT_NODES: "0" });
    const fast = client();
    const slow = client();
    await Promise.all([fast.opened, slow.opened]);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // stops reading from the socket
    let slowClosed = false;
    slow.ws.on("close", () => {
      slowClosed = true;
    });
    const publisher = new StreamPublisher({ redis });
    const links = Array.from({ length: 2_000 }, (_, i) => `Linked article number ${i} with a long title`);
    for (let i = 0; i < 60; i++) await publisher.publish(GraphAdd, article(`Article ${i}`, links));
    await waitFor(
      "the fast client to get every article",
      () => fast.frames.filter((f) => f.type === "NODE").length === 60,
      {
        timeoutMs: 30_000,
      },
    );
    expect(fast.frames.length).toBe(60 * 2_001); // nothing was dropped for the fast one
    const metrics = await fetch(`${bridge.urls.metrics}/metrics`).then((r) => r.text());
    expect(Number(/ws_frames_dropped_total\{service="ws-bridge"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(
      0,
    );
    // still not reading: after WS_SLOW_CLIENT_MS over the limit, the next broadcast disconnects it
    await new Promise((r) => setTimeout(r, 400));
    await publisher.publish(GraphAdd, article("One more", links));
    await waitFor(
      "the fast client to get one more",
      () => fast.frames.filter((f) => f.type === "NODE").length === 61,
    );
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await waitFor("the slow client to be disconnected", () => slowClosed, { timeoutMs: 10_000 });
  }, 60_000);

  it("serves the page, its bundled script (sigma.js, graphology) and its icon from the same origin", async () => {
    await startBridge();
    const page = await fetch(`${bridge.urls.ws}/`).then((r) => r.text());
    expect(page).toContain("<title>Lumina — live knowledge graph</title>");
    expect(page).toContain('<script src="/page.js">');
    const script = await fetch(`${bridge.urls.ws}/page.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    const js = await script.text();
    expect(js.length).toBeGreaterThan(100_000);
    expect(js).toContain("window.luminaGraph"); // page/main.ts, bundled with its libraries
    const icon = await fetch(`${bridge.urls.ws}/favicon.ico`);
    expect([icon.status, icon.headers.get("content-type")]).toEqual([200, "image/svg+xml"]);
  });
});

describe("WebSocket key (LUMINA_API_KEY)", () => {
  /** The HTTP status of the upgrade: 101 when the socket opened, else what the server answered. */
  const upgrade = (opts: { headers?: Record<string, string>; protocols?: string[] }) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${bridge.urls.ws?.replace("http", "ws")}/stream`, opts.protocols ?? [], {
        headers: opts.headers ?? {},
      });
      sockets.push(ws);
      ws.once("open", () => resolve(101));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", () => resolve(-1));
    });

  it("refuses a missing or wrong key with 401 and accepts the right one as a header or a subprotocol", async () => {
    await startBridge({ LUMINA_API_KEY: "s3cret-key" });
    expect(await upgrade({})).toBe(401);
    expect(await upgrade({ headers: { authorization: "Bearer wrong" } })).toBe(401);
    expect(await upgrade({ protocols: ["lumina", "bearer.wrong"] })).toBe(401);
    expect(await upgrade({ headers: { authorization: "Bearer s3cret-key" } })).toBe(101);
    expect(await upgrade({ protocols: ["lumina", "bearer.s3cret-key"] })).toBe(101);
    const config = (await fetch(`${bridge.urls.ws}/config.json`).then((r) => r.json())) as Record<
      string,
      unknown
    >;
    expect(config.auth).toBe(true);
    expect(JSON.stringify(config)).not.toContain("s3cret-key");
  });

  it("lets anyone in when no key is configured", async () => {
    await startBridge();
    expect(await upgrade({})).toBe(101);
  });
});
