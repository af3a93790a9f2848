import { start } from "@lumina/rag-worker";
import { sharedData, startRedisServer } from "@lumina/testing";
import { readCorpus } from "./chat.ts";
const server = await startRedisServer();
const corpus = await readCorpus(server, console.log, { EMBEDDER: "hashing" });
const rag = await start({
  ...corpus.env,
  CHAT_PORT: "0",
  RATE_LIMIT_PER_MIN: "0",
  LLM_MODEL_PATH: sharedData("models/stories260K.gguf"),
  LLM_PROMPT_FORMAT: "plain",
  MAX_TOKENS: "16",
  LOG_LEVEL: "warn",
});
const chat = rag.urls.chat as string;
for (const title of corpus.articles) {
  const res = await fetch(`${chat}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `What is ${title}?`, session: "same" }),
  });
  const body = await res.text();
  if (res.status !== 200) console.log(res.status, title, body.slice(0, 300));
}
await rag.stop();
await corpus.close();
await server.stop();
