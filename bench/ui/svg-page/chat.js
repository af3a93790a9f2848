// The chat pane: questions go to the rag-worker's POST /chat; answers show with their confidence and
// their sources, each with the sentence it rests on; a source opens the cited chunk in the details
// panel with that sentence highlighted.
"use strict";
(() => {
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const log = document.getElementById("chat-log");
  let session = sessionStorage.getItem("lumina-session");
  if (!session) {
    session = `page-${Math.random().toString(36).slice(2, 10)}`;
    sessionStorage.setItem("lumina-session", session);
  }
  const chatUrl = fetch("/config.json")
    .then((r) => r.json())
    .then((c) => c.chat_url || `${location.protocol}//${location.hostname}:${c.chat_port}`);

  function line(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  async function openChunk(id, quote) {
    const key = window.luminaApiKey?.get();
    const span = quote ? `?start=${quote.start}&end=${quote.end}` : "";
    const res = await fetch(`${await chatUrl}/chunks/${encodeURIComponent(id)}${span}`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });
    if (res.ok) window.luminaGraph.showChunk(await res.json());
  }

  async function ask(question) {
    const entry = document.createElement("div");
    entry.className = "answer pending";
    const text = line("text", "…");
    entry.append(line("question", question), text);
    log.prepend(entry);
    try {
      const base = await chatUrl;
      const send = () => {
        const key = window.luminaApiKey?.get();
        return fetch(`${base}/chat`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify({ query: question, session }),
        });
      };
      let res = await send();
      if (res.status === 401 && window.luminaApiKey) {
        window.luminaApiKey.ask();
        res = await send();
      }
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ? body.error.message : `HTTP ${res.status}`);
      text.textContent = body.answer;
      entry.append(line("confidence", `confidence ${body.confidence.toFixed(2)} · ${body.model}`));
      const sources = document.createElement("div");
      sources.className = "sources";
      body.sources.forEach((s, i) => {
        const a = document.createElement("a");
        a.href = "#";
        a.dataset.chunk = s.id;
        a.title = s.snippet;
        a.textContent = `[${i + 1}] ${s.title}`;
        a.addEventListener("click", (e) => {
          e.preventDefault();
          void openChunk(s.id, s.quote);
        });
        sources.appendChild(a);
        if (s.quote) {
          const q = document.createElement("q");
          q.className = "quote";
          q.textContent = s.quote.text;
          sources.appendChild(q);
        }
      });
      entry.appendChild(sources);
      entry.classList.remove("pending");
      entry.classList.add("done");
    } catch (err) {
      entry.classList.remove("pending");
      entry.classList.add("error", "done");
      text.textContent = `Could not ask: ${err.message}`;
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    input.value = "";
    void ask(question);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
})();
