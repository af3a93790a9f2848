/**
 * bench/memory — the memory of users, through the mem0-compatible API of a real memory service (the
 * defaults: SQLite, LanceDB, USE-lite, rule-based extraction). A generated multi-session conversation
 * set (conversations.ts) is added session by session; then every question is searched (top 10) and
 * scored by evidence recall: whether a message holding the answer is among the source messages of the
 * first 5 / 10 memories found. Beside it, plain BM25 over each user's messages, in the same run.
 * Prints add throughput (messages/s) and search latency p50/p95.
 * Usage: npm run bench:memory -- [--users 10] [--sessions 20] [--per-session 15]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { detectEmotion } from "@lumina/memory";
import { start as startMemory } from "@lumina/memory-service";
import { freePort, startRedisServer } from "@lumina/testing";
import { Bm25 } from "./bm25.ts";
import { type BenchUser, generateConversations } from "./conversations.ts";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10" },
    sessions: { type: "string", default: "20" },
    "per-session": { type: "string", default: "15" },
  },
});
const say = (line: string) => process.stderr.write(`${line}\n`);
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

type Item = { id: string; metadata: { kind: string; source_message_ids: string[] } };

async function post(url: string, body: unknown): Promise<{ results: Item[] }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { results: Item[] };
}

/** Adds a user's sessions in order; returns the server's id of each message. */
async function addUser(api: string, user: BenchUser): Promise<string[]> {
  const ids: string[] = [];
  const sessions = [...new Set(user.messages.map((m) => m.session))];
  for (const s of sessions) {
    const messages = user.messages.filter((m) => m.session === s);
    const out = await post(`${api}/v3/memories/add/`, {
      messages: messages.map((m) => ({ role: "user", content: m.content })),
      user_id: user.id,
      run_id: `session-${s}`,
      timestamp: (messages[0]?.ts ?? 0) / 1000,
    });
    ids.push(...out.results.filter((r) => r.metadata.kind === "message").map((r) => r.id));
  }
  if (ids.length !== user.messages.length)
    throw new Error(`${user.id}: ${ids.length} message ids for ${user.messages.length}`);
  return ids;
}

/** Source messages of the ranked memories, in order, each once. */
const sourcesOf = (items: Item[]) => [...new Set(items.flatMap((i) => i.metadata.source_message_ids))];

interface Tally {
  hit5: number;
  hit10: number;
  n: number;
}
const tally = (): Tally => ({ hit5: 0, hit10: 0, n: 0 });
/** Counts one question: found in the first five / the first ten of what was ranked. */
const count = (t: Tally, five: string[], ten: string[], evidence: Set<string>) => {
  t.n++;
  if (five.some((id) => evidence.has(id))) t.hit5++;
  if (ten.some((id) => evidence.has(id))) t.hit10++;
};

async function main() {
  const users = generateConversations(
    Number(values.users),
    Number(values.sessions),
    Number(values["per-session"]),
  );
  const redis = await startRedisServer();
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-memory-"));
  const port = await freePort();
  const service = await startMemory({
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    METRICS_PORT: "0",
    MEMORY_PORT: String(port),
    LOG_LEVEL: "warn",
  });
  const api = `http://127.0.0.1:${port}`;
  try {
    const total = users.reduce((n, u) => n + u.messages.length, 0);
    say(
      `bench:memory: ${users.length} users, ${total} messages, ${users.reduce((n, u) => n + u.questions.length, 0)} questions`,
    );
    const t0 = performance.now();
    const ids = new Map<string, string[]>();
    for (const u of users) ids.set(u.id, await addUser(api, u));
    const addSeconds = (performance.now() - t0) / 1000;
    const lumina = { direct: tally(), paraphrase: tally() };
    const bm25 = { direct: tally(), paraphrase: tally() };
    const latencies: number[] = [];
    for (const u of users) {
      const own = ids.get(u.id) as string[];
      const baseline = new Bm25();
      u.messages.forEach((m, i) => baseline.add(own[i] as string, m.content));
      for (const q of u.questions) {
        const evidence = new Set(q.evidence.map((i) => own[i] as string));
        const t = performance.now();
        const found = await post(`${api}/v3/memories/search/`, {
          query: q.question,
          filters: { user_id: u.id },
          top_k: 10,
        });
        latencies.push(performance.now() - t);
        count(lumina[q.style], sourcesOf(found.results.slice(0, 5)), sourcesOf(found.results), evidence);
        const ranked = baseline.search(q.question, 10);
        count(bm25[q.style], ranked.slice(0, 5), ranked, evidence);
      }
    }
    report(total, addSeconds, latencies, lumina, bm25);
    emotionTiming(users.flatMap((u) => u.messages.map((m) => m.content)));
  } finally {
    await service.stop();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(
  total: number,
  addSeconds: number,
  latencies: number[],
  lumina: Record<string, Tally>,
  bm25: Record<string, Tally>,
) {
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
  const all = (t: Record<string, Tally>) =>
    Object.values(t).reduce(
      (s, x) => ({ hit5: s.hit5 + x.hit5, hit10: s.hit10 + x.hit10, n: s.n + x.n }),
      tally(),
    );
  console.log(
    `add: ${total} messages in ${addSeconds.toFixed(1)} s = ${(total / addSeconds).toFixed(1)} messages/s`,
  );
  console.log(
    `search: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p95 ${quantile(latencies, 0.95).toFixed(1)} ms (${latencies.length} searches)`,
  );
  console.log("evidence recall       | Lumina @5 | Lumina @10 | BM25 @5 | BM25 @10");
  for (const [label, a, b] of [
    ["direct questions", lumina.direct, bm25.direct],
    ["paraphrased", lumina.paraphrase, bm25.paraphrase],
    ["all", all(lumina), all(bm25)],
  ] as [string, Tally, Tally][])
    console.log(
      `${label.padEnd(21)} | ${pct(a.hit5, a.n).padStart(9)} | ${pct(a.hit10, a.n).padStart(10)} | ${pct(b.hit5, b.n).padStart(7)} | ${pct(b.hit10, b.n).padStart(8)}`,
    );
}

/**
 * The emotion of a message as the rag-worker reads it on every chat request (detectEmotion: AFINN
 * strength and the emotion word lists, English or Spanish): time per message over every message of
 * the set, each read 10 times, after a warm-up pass.
 */
function emotionTiming(texts: string[]) {
  for (const t of texts) detectEmotion(t);
  const times: number[] = [];
  const felt = new Map<string, number>();
  for (let round = 0; round < 10; round++)
    for (const t of texts) {
      const start = performance.now();
      const e = detectEmotion(t);
      times.push((performance.now() - start) * 1000);
      if (round === 0) felt.set(e.emotion, (felt.get(e.emotion) ?? 0) + 1);
    }
  console.log(
    `emotion detection: mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1)} µs, p99 ${quantile(times, 0.99).toFixed(1)} µs, max ${Math.max(...times).toFixed(0)} µs a message (${times.length} reads); emotions: ${[...felt].map(([e, n]) => `${e} ${n}`).join(", ")}`,
  );
}

await main();
