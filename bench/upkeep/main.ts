/**
 * bench/upkeep — the vector store's shape after a live Lumina has run a while, with collection upkeep
 * (the default) and without it (VECTOR_UPKEEP_WRITES so high it never triggers, INDEX_MAINTENANCE_S an
 * hour: the indexer-only, timer-only upkeep of before, at most). `node cli/bin/lumina.js up` with the
 * defaults (USE-lite) reads a generated local wiki from one seed, reflects and folds pads, while a
 * client asks a question every second. While it runs, each LanceDB table's fragments and versions
 * are sampled (the most seen is reported); after it stops, its size on disk beside its live data (the
 * same table compacted with every old version pruned), and from the runner's log each collection's upkeeps
 * and the old versions they pruned.
 * Usage: npm run bench:upkeep -- [--seconds 120] [--articles 2000] [--sample 30] [--skip-baseline]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { COLLECTIONS } from "@lumina/events";
import { LanceDbStore } from "@lumina/vectors";
import { startWikiFixture, syntheticCorpus, syntheticTitle } from "@lumina/wiki-fixture";
import { diskBytes } from "@lumina/testing";
import { Redis } from "ioredis";
import { restartEnv, startUp } from "../restart/lumina-up.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "120" },
    articles: { type: "string", default: "2000" },
    sample: { type: "string", default: "30" },
    "skip-baseline": { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds);
const say = (line: string) => process.stderr.write(`${line}\n`);
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

type Peak = Map<string, { fragments: number; versions: number }>;

/** The most fragments and versions each collection has had at any sample so far. */
async function sampleLayouts(vectorsDir: string, peak: Peak): Promise<void> {
  const store = await LanceDbStore.open(vectorsDir, { readConsistencySeconds: 0 });
  try {
    for (const name of Object.values(COLLECTIONS)) {
      const l = await store.layout(name);
      const p = peak.get(name) ?? { fragments: 0, versions: 0 };
      peak.set(name, {
        fragments: Math.max(p.fragments, l.fragments),
        versions: Math.max(p.versions, l.versions),
      });
    }
  } finally {
    await store.close();
  }
}

/** Per collection: rows, fragments and versions (now and the peak), disk size beside the live data. */
async function shapeOf(label: string, vectorsDir: string, peak: Peak): Promise<string[]> {
  const store = await LanceDbStore.open(vectorsDir);
  const rows: string[] = [];
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
  for (const name of Object.values(COLLECTIONS)) {
    const l = await store.layout(name);
    const disk = await diskBytes(join(vectorsDir, `${name}.lance`));
    await store.maintain(name, { keepVersionsMs: 0 }); // live data: compacted, no old version kept
    const live = await diskBytes(join(vectorsDir, `${name}.lance`));
    const p = peak.get(name) ?? l;
    rows.push(
      `| ${label} | ${name} | ${await store.count(name)} | ${l.fragments} (peak ${p.fragments}) | ` +
        `${l.versions} (peak ${p.versions}) | ${mib(disk)} | ${mib(live)} | ${live > 0 ? (disk / live).toFixed(2) : "–"}× |`,
    );
  }
  await store.close();
  return rows;
}

/** Per collection, from the runner's log: upkeeps done and failed, old versions they pruned. */
function upkeepLog(label: string, lines: string[]): string {
  const per = new Map<string, { done: number; failed: number; pruned: number; error?: string }>();
  type Entry = { collection?: string; did?: string; err?: { message?: string } };
  for (const line of lines) {
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      continue; // not a log record (LOG_LEVEL or a pretty printer changed the output)
    }
    const c = per.get(entry.collection ?? "?") ?? { done: 0, failed: 0, pruned: 0 };
    if (entry.did) {
      c.done++;
      c.pruned += Number(/(\d+) old versions/.exec(entry.did)?.[1] ?? 0);
    } else {
      c.failed++;
      c.error ??= entry.err?.message?.slice(0, 200);
    }
    per.set(entry.collection ?? "?", c);
  }
  const parts = [...per].map(
    ([name, c]) =>
      `${name}: ${c.done} upkeeps, ${c.pruned} old versions pruned, ${c.failed} failed` +
      (c.error ? ` (${c.error})` : ""),
  );
  return `${label}: ${parts.join("; ") || "no upkeep logged"}`;
}

async function run(label: string, extra: Record<string, string>) {
  const wiki = await startWikiFixture({ corpus: syntheticCorpus(Number(values.articles)) });
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-upkeep-"));
  const env: Record<string, string> = {
    ...(await restartEnv(dataDir, wiki.apiUrl)),
    LOG_LEVEL: "info",
    ...extra,
  };
  const up = startUp(env, /vector store maint/);
  try {
    await up.banner;
    const redis = new Redis(Number(env.LOCAL_REDIS_PORT));
    await redis.xadd("crawl:req", "*", "url", syntheticTitle(0), "why", "seed");
    say(`${label}: one seed, ${seconds} s of reading, reflecting and a question a second`);
    const latencies: number[] = [];
    const end = Date.now() + seconds * 1000;
    const vectorsDir = join(dataDir, "vectors");
    const peak: Peak = new Map();
    let nextSample = Date.now() + Number(values.sample) * 1000;
    for (let i = 0; Date.now() < end; i++) {
      if (Date.now() >= nextSample) {
        await sampleLayouts(vectorsDir, peak);
        nextSample += Number(values.sample) * 1000;
        say(
          `${label}: ${Math.round((end - Date.now()) / 1000)} s left, ${await redis.scard("kg:nodes")} articles read`,
        );
      }
      const t = performance.now();
      const res = await fetch(`http://127.0.0.1:${env.CHAT_PORT}/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `What is Synthetic topic ${i % 50}?`, session: `s${i % 5}` }),
      });
      if (res.ok) latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - t))));
    }
    const articles = await redis.scard("kg:nodes");
    redis.disconnect();
    await up.stop();
    const rows = await shapeOf(label, vectorsDir, peak);
    say(upkeepLog(label, up.watched));
    const chat = `p50 ${Math.round(quantile(latencies, 0.5))} ms, p95 ${Math.round(quantile(latencies, 0.95))} ms`;
    return { rows, summary: `| ${label} | ${articles} | ${latencies.length} | ${chat} |` };
  } finally {
    await up.stop();
    await wiki.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const withUpkeep = await run("upkeep (defaults)", {});
const without = values["skip-baseline"]
  ? undefined
  : await run("no upkeep", { VECTOR_UPKEEP_WRITES: "1000000000", INDEX_MAINTENANCE_S: "3600" });
console.log(
  [
    "",
    `After ${seconds} s of a live Lumina (defaults, USE-lite, one seed on a generated wiki):`,
    "",
    "| run | articles read | answers | /chat latency |",
    "|---|---|---|---|",
    withUpkeep.summary,
    ...(without ? [without.summary] : []),
    "",
    "| run | collection | rows | fragments | versions | size on disk | live data | disk ÷ live |",
    "|---|---|---|---|---|---|---|---|",
    ...withUpkeep.rows,
    ...(without?.rows ?? []),
  ].join("\n"),
);
