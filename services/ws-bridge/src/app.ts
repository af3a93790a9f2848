import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { FanoutReader, registerStreamGauges, toFields } from "@lumina/bus";
import { AffinityLevel, ALL_STREAMS, ChatTurn, GraphAdd, UserForgotten } from "@lumina/events";
import { createHttpServer, registerOpsRoutes, sameSecret, serverHandle } from "@lumina/observability";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import { type WebSocket, WebSocketServer } from "ws";
import { Broadcaster } from "./broadcaster.ts";
import type { WsBridgeConfig } from "./config.ts";
import { toFrames } from "./domain/frames.ts";
import { pageScript } from "./page-bundle.ts";
import { RecentArticles } from "./recent-articles.ts";

export type WsBridgeDeps = ServiceDeps<ConfigOf<typeof WsBridgeConfig>>;
type HttpServer = ReturnType<typeof createHttpServer>;

const PAGE = readFileSync(new URL("../public/index.html", import.meta.url), "utf8");
const FAVICON = readFileSync(new URL("../public/favicon.svg", import.meta.url), "utf8");

/**
 * Every public stream (plain XREAD, no group) → frames → every WebSocket client on /stream; serves the
 * live graph page at /. A new client first gets the most recent articles, read back from graph:add.
 */
export function buildService(deps: WsBridgeDeps): ServiceApp {
  const { config, redis, logger } = deps;
  const http = pageServer(deps);
  const broadcaster = new Broadcaster({
    maxBufferBytes: config.WS_MAX_BUFFER_BYTES,
    slowClientMs: config.WS_SLOW_CLIENT_MS,
    logger,
    registry: deps.registry,
  });
  const recent = new RecentArticles(config.WS_RECENT_NODES);
  const wss = acceptStreamClients(http, config.LUMINA_API_KEY, (ws) => broadcaster.add(ws, recent.frames()));
  // chat:turn and affinity:level are about one user under their id: not even entry ids go to the page,
  // whose viewers are anyone with it open (nothing of one user is shown to another).
  const streams = ALL_STREAMS.filter((s) => s !== ChatTurn && s !== AffinityLevel && s !== UserForgotten).map(
    (s) => s.name,
  );
  registerStreamGauges(deps.registry, redis, streams);
  const reader = new FanoutReader({
    redis,
    streams,
    logger,
    onEntries: (entries) => {
      for (const e of entries) {
        const frames = toFrames(e.stream, e.id, e.fields);
        recent.add(frames);
        broadcaster.broadcast(frames);
      }
    },
  });
  let url = "";
  return {
    capabilities: ["serves the live graph page at /", "streams every public stream on WebSocket /stream"],
    async start() {
      // Recent articles first, then the fan-out from "now": an article published in between is in both,
      // and RecentArticles keeps it once.
      await loadRecent(deps, recent);
      await reader.start();
      await http.listen({ host: config.HOST, port: config.WS_PORT });
      url = serverHandle(http).url;
    },
    async stop() {
      await reader.stop();
      broadcaster.closeAll();
      wss.close();
      await http.close();
    },
    urls: () => ({ ws: url }),
  };
}

/** The page, its script (bundled on first use), its icon and config, and the ops routes. */
function pageServer({ config, logger, readiness }: WsBridgeDeps): HttpServer {
  const http = createHttpServer(logger, "ws-http");
  registerOpsRoutes(http, undefined, readiness);
  const js = "text/javascript; charset=utf-8";
  http.get("/", (_req, reply) => reply.type("text/html; charset=utf-8").send(PAGE));
  http.get("/page.js", async (_req, reply) => reply.type(js).send(await pageScript()));
  for (const icon of ["/favicon.svg", "/favicon.ico"])
    http.get(icon, (_req, reply) =>
      reply.type("image/svg+xml").header("cache-control", "max-age=86400").send(FAVICON),
    );
  // Where the page's chat pane sends questions: CHAT_URL, or this page's host on CHAT_PORT.
  http.get("/config.json", async () => ({
    chat_url: config.CHAT_URL,
    chat_port: config.CHAT_PORT,
    auth: config.LUMINA_API_KEY !== "", // the page then asks for the key; never the key itself
  }));
  return http;
}

/** WebSocket upgrades on /stream, with the API key when one is set; other paths are refused. */
function acceptStreamClients(
  http: HttpServer,
  apiKey: string,
  onClient: (ws: WebSocket) => void,
): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // A browser presents the key as the subprotocol "bearer.<key>" next to "lumina": answer "lumina".
    handleProtocols: (protocols) => (protocols.has("lumina") ? "lumina" : false),
  });
  http.server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/stream") return socket.destroy();
    if (apiKey && !presentsKey(req.headers, apiKey)) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"unauthorized","message":"missing or wrong API key"}}',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, onClient);
  });
  return wss;
}

/** The latest WS_RECENT_NODES articles from graph:add, for clients that connect later: read newest
 * first, a page at a time (an entry holds a whole article), and added oldest first. */
async function loadRecent({ config, redis }: WsBridgeDeps, recent: RecentArticles): Promise<void> {
  const PAGE = 500;
  const pages: [string, string[]][][] = [];
  let end = "+";
  for (let left = config.WS_RECENT_NODES; left > 0; left -= PAGE) {
    const page = (await redis.xrevrange(GraphAdd.name, end, "-", "COUNT", Math.min(PAGE, left))) as [
      string,
      string[],
    ][];
    if (page.length === 0) break;
    pages.push(page);
    end = `(${(page.at(-1) as [string, string[]])[0]}`;
  }
  for (const [id, flat] of pages.flat().reverse()) recent.add(toFrames(GraphAdd.name, id, toFields(flat)));
}

/** The key from `Authorization: Bearer <key>` or the subprotocol `bearer.<key>`, compared in constant time. */
function presentsKey(headers: IncomingHttpHeaders, key: string): boolean {
  const auth = headers.authorization;
  const fromHeader = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined;
  const fromProtocol = String(headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim())
    .find((p) => p.startsWith("bearer."))
    ?.slice(7);
  const given = fromHeader ?? fromProtocol;
  return given !== undefined && sameSecret(given, key);
}
