// The WebSocket /stream, reconnecting with back-off. With LUMINA_API_KEY set (config.json says auth),
// the key is asked for once, kept in this browser, and presented as the subprotocol "bearer.<key>"
// (browsers cannot send headers there).
import type { Frame } from "../src/domain/frames.ts";

export interface PageConfig {
  chat_url?: string;
  chat_port: number;
  auth: boolean;
}

export const apiKey = {
  get: (): string | undefined => localStorage.getItem("lumina-api-key") || undefined,
  ask(): string {
    const key = window.prompt("This Lumina needs its API key (LUMINA_API_KEY):") || "";
    localStorage.setItem("lumina-api-key", key);
    return key;
  },
};

export const pageConfig: Promise<PageConfig> = fetch("/config.json")
  .then((r) => r.json() as Promise<PageConfig>)
  .catch(() => ({ chat_port: 8000, auth: false }));

export function connect(onFrames: (frames: Frame[]) => void, status: HTMLElement): void {
  let retry = 500;
  const open = async () => {
    const protocols = (await pageConfig).auth
      ? ["lumina", `bearer.${apiKey.get() ?? apiKey.ask()}`]
      : undefined;
    const ws = new WebSocket(
      `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/stream`,
      protocols,
    );
    let opened = false;
    ws.onopen = () => {
      opened = true;
      retry = 500;
      status.textContent = "live";
      status.className = "connected";
    };
    ws.onmessage = (e: MessageEvent<string>) => onFrames([JSON.parse(e.data) as Frame]);
    ws.onclose = () => {
      status.textContent = "reconnecting…";
      status.className = "";
      if (!opened && protocols) localStorage.removeItem("lumina-api-key"); // refused: ask again next time
      setTimeout(() => void open(), retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  void open();
}
