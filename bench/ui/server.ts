// A page server for bench:ui: the live graph page (as ws-bridge serves it) or the former SVG page
// (bench/ui/svg-page, kept as the baseline), and a /stream that sends the generated frames as fast as
// the socket takes them, in batches of BATCH.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pageScript } from "@lumina/ws-bridge/page";
import { WebSocketServer } from "ws";
import type { Frame } from "@lumina/ws-bridge";

export type PageKind = "webgl" | "svg";
const BATCH = 200;
const HERE = new URL(".", import.meta.url);

async function files(kind: PageKind): Promise<Record<string, [string, string]>> {
  const js = "text/javascript";
  if (kind === "webgl") {
    const page = new URL("../../services/ws-bridge/public/index.html", HERE);
    return { "/": ["text/html", await readFile(page, "utf8")], "/page.js": [js, await pageScript()] };
  }
  const d3 = join(dirname(createRequire(import.meta.url).resolve("d3")), "d3.min.js");
  return {
    "/": ["text/html", await readFile(new URL("svg-page/index.html", HERE), "utf8")],
    "/graph.js": [js, await readFile(new URL("svg-page/graph.js", HERE), "utf8")],
    "/chat.js": [js, await readFile(new URL("svg-page/chat.js", HERE), "utf8")],
    "/vendor/d3.min.js": [js, await readFile(d3, "utf8")],
  };
}

export interface PageServer {
  url: string;
  /** when the first frame went out to the page (performance.now() of this process) */
  firstFrameAt(): number | undefined;
  close(): Promise<void>;
}

export async function servePage(kind: PageKind, frames: Frame[]): Promise<PageServer> {
  const routes = {
    ...(await files(kind)),
    "/config.json": ["application/json", JSON.stringify({ chat_port: 1, auth: false })],
  } as Record<string, [string, string]>;
  const http: Server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", "http://x").pathname];
    if (!route) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": route[0] }).end(route[1]);
  });
  let first: number | undefined;
  const wss = new WebSocketServer({ server: http, path: "/stream" });
  wss.on("connection", (ws) => {
    first ??= performance.now();
    let i = 0;
    const next = () => {
      for (const f of frames.slice(i, i + BATCH)) ws.send(JSON.stringify(f));
      i += BATCH;
      if (i < frames.length) setImmediate(next);
    };
    next();
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    firstFrameAt: () => first,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => r());
      }),
  };
}
