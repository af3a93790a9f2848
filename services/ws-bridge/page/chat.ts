// The chat pane: questions go to the rag-worker's OpenAI-compatible /v1/chat/completions, streamed;
// the text appears as it comes, then the confidence and the sources (each with the sentence it rests
// on). A source opens the cited chunk in the details panel; cited articles are marked in the graph.
// The session's questions and answers are kept in this tab (sessionStorage) and shown again on reload.
import { apiKey, pageConfig } from "./socket.ts";

export interface Source {
  id: string;
  title: string;
  snippet: string;
  kind?: string;
  quote?: { start: number; end: number; text: string };
}
interface Extension {
  sources: Source[];
  confidence: number;
  model?: string;
}
interface Entry {
  question: string;
  answer: string;
  confidence?: number;
  model?: string;
  sources?: Source[];
  error?: string;
}

export interface ChatHooks {
  openChunk: (chunk: unknown) => void;
  cited: (titles: string[]) => void;
}

const HISTORY_KEY = "lumina-chat-history";
const chatUrl = pageConfig.then(
  (c) => c.chat_url || `${location.protocol}//${location.hostname}:${c.chat_port}`,
);

function sessionId(): string {
  let s = sessionStorage.getItem("lumina-session");
  if (!s) {
    s = `page-${Math.random().toString(36).slice(2, 10)}`;
    sessionStorage.setItem("lumina-session", s);
  }
  return s;
}

const line = (className: string, text: string) =>
  Object.assign(document.createElement("p"), { className, textContent: text });
const authHeaders = (): Record<string, string> => {
  const key = apiKey.get();
  return key ? { authorization: `Bearer ${key}` } : {};
};

export class ChatPane {
  readonly #log: HTMLElement;
  readonly #hooks: ChatHooks;
  readonly #history: Entry[];

  constructor(form: HTMLFormElement, input: HTMLTextAreaElement, log: HTMLElement, hooks: ChatHooks) {
    this.#log = log;
    this.#hooks = hooks;
    this.#history = JSON.parse(sessionStorage.getItem(HISTORY_KEY) ?? "[]") as Entry[];
    for (const e of this.#history) this.#render(e);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const question = input.value.trim();
      if (!question) return;
      input.value = "";
      void this.ask(question);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
  }

  async ask(question: string): Promise<void> {
    const entry: Entry = { question, answer: "" };
    const view = this.#render(entry, true);
    try {
      const res = await this.#send(question);
      const ext = await readStream(res, (delta) => {
        entry.answer += delta;
        view.text.textContent = entry.answer;
        this.#log.scrollTop = this.#log.scrollHeight;
      });
      Object.assign(entry, { confidence: ext.confidence, model: ext.model, sources: ext.sources });
      this.#finish(view.root, entry);
      this.#hooks.cited([...new Set(ext.sources.filter((s) => s.kind !== "fact").map((s) => s.title))]);
    } catch (err) {
      entry.error = (err as Error).message;
      this.#finish(view.root, entry);
    }
    this.#history.push(entry);
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify(this.#history.slice(-50)));
  }

  async #send(question: string): Promise<Response> {
    const base = await chatUrl;
    const send = () =>
      fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeaders() },
        body: JSON.stringify({
          messages: [{ role: "user", content: question }],
          stream: true,
          lumina: { session: sessionId() },
        }),
      });
    let res = await send();
    if (res.status === 401) {
      apiKey.ask();
      res = await send();
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      throw new Error(body.error?.message ?? `HTTP ${res.status}`);
    }
    return res;
  }

  #render(entry: Entry, pending = false): { root: HTMLElement; text: HTMLElement } {
    const root = document.createElement("div");
    root.className = pending ? "answer pending" : "answer";
    const text = line("text", entry.answer || "…");
    root.append(line("question", entry.question), text);
    this.#log.append(root);
    if (!pending) this.#finish(root, entry);
    this.#log.scrollTop = this.#log.scrollHeight;
    return { root, text };
  }

  #finish(root: HTMLElement, entry: Entry): void {
    root.classList.remove("pending");
    root.classList.add("done");
    const text = root.querySelector(".text") as HTMLElement;
    if (entry.error) {
      root.classList.add("error");
      text.textContent = `Could not ask: ${entry.error}`;
      return;
    }
    text.textContent = entry.answer;
    const model = entry.model ? ` · ${entry.model}` : "";
    root.append(line("confidence", `confidence ${(entry.confidence ?? 0).toFixed(2)}${model}`));
    root.append(this.#sources(entry.sources ?? []));
    this.#log.scrollTop = this.#log.scrollHeight;
  }

  #sources(sources: Source[]): HTMLElement {
    const box = document.createElement("div");
    box.className = "sources";
    sources.forEach((s, i) => {
      const a = Object.assign(document.createElement("a"), {
        href: "#",
        title: s.snippet,
        textContent: `[${i + 1}] ${s.title}`,
      });
      a.dataset.chunk = s.id;
      a.addEventListener("click", (e) => {
        e.preventDefault();
        void this.#openChunk(s);
      });
      box.append(a);
      if (s.quote)
        box.append(
          Object.assign(document.createElement("q"), { className: "quote", textContent: s.quote.text }),
        );
    });
    return box;
  }

  async #openChunk(s: Source): Promise<void> {
    if (s.kind === "fact") return;
    const span = s.quote ? `?start=${s.quote.start}&end=${s.quote.end}` : "";
    const res = await fetch(`${await chatUrl}/chunks/${encodeURIComponent(s.id)}${span}`, {
      headers: authHeaders(),
    });
    if (res.ok) this.#hooks.openChunk(await res.json());
  }
}

/** Reads an OpenAI chat-completions event stream: content deltas to onDelta, the `lumina` field back. */
async function readStream(res: Response, onDelta: (text: string) => void): Promise<Extension> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  let ext: Extension | undefined;
  let model: string | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const events = buffered.split("\n\n");
    buffered = events.pop() ?? "";
    for (const event of events) {
      const data = event.replace(/^data: /, "");
      if (data === "[DONE]") continue;
      const chunk = JSON.parse(data) as {
        error?: { message: string };
        model?: string;
        choices?: { delta: { content?: string } }[];
        lumina?: Extension;
      };
      if (chunk.error) throw new Error(chunk.error.message);
      model = chunk.model ?? model;
      const delta = chunk.choices?.[0]?.delta.content;
      if (delta) onDelta(delta);
      if (chunk.lumina) ext = chunk.lumina;
    }
  }
  if (!ext) throw new Error("the answer ended without its sources");
  return { ...ext, ...(model ? { model } : {}) };
}
