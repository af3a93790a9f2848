/**
 * bench/upkeep — the vector store's shape after a live Lumina has run a while, with collection upkeep
 * (the default) and without it (VECTOR_UPKEEP_WRITES so high it never triggers, INDEX_MAINTENANCE_S an
 * hour: the indexer-only, timer-only upkeep of before, at most). `node cli/bin/lumina.js up` with the
 * defaults (USE-lite) reads a generated local wiki from one seed, reflects and folds pads, while a
 * client asks a question every second; then each LanceDB table's fragments, versions and size.
 * Usage: npm run bench:upkeep -- [--seconds 120]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { COLLECTIONS } from "@lumina/events";
import { LanceDbStore } from "@lumina/vectors";
import { startWikiFixture, syntheticCorpus, syntheticTitle } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import { restartEnv, startUp } from "../restart/lumina-up.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "120" } } });
const seconds = Number(values.seconds);
const say = (line: string) => process.stderr.write(`${line}\n`);
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

async function run(label: string, extra: Record<string, string>) {
  const wiki = await startWikiFixture({ corpus: syntheticCorpus(2000) });
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-upkeep-"));
  const env = { ...(await restartEnv(dataDir, wiki.apiUrl)), ...extra };
  const up = startUp(env);
  try {
    await up.banner;
    const redis = new Redis(Number(env.LOCAL_REDIS_PORT));
    await redis.xadd("crawl:req", "*", "url", syntheticTitle(0), "why", "seed");
    say(`${label}: one seed, ${seconds} s of reading, reflecting and a question a second`);
    const latencies: number[] = [];
    const end = Date.now() + seconds * 1000;
    for (let i = 0; Date.now() < end; i++) {
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
    const store = await LanceDbStore.open(join(dataDir, "vectors"));
    const rows: string[] = [];
    for (const name of Object.values(COLLECTIONS)) {
      const l = await store.layout(name);
      rows.push(
        `| ${label} | ${name} | ${await store.count(name)} | ${l.fragments} | ${l.versions} | ${(l.bytes / 2 ** 20).toFixed(1)} MiB |`,
      );
    }
    await store.close();
    const chat = `p50 ${Math.round(quantile(latencies, 0.5))} ms, p95 ${Math.round(quantile(latencies, 0.95))} ms`;
    return { rows, summary: `| ${label} | ${articles} | ${latencies.length} | ${chat} |` };
  } finally {
    await up.stop();
    await wiki.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const withUpkeep = await run("upkeep (defaults)", {});
const without = await run("no upkeep", { VECTOR_UPKEEP_WRITES: "1000000000", INDEX_MAINTENANCE_S: "3600" });
console.log(
  [
    "",
    `After ${seconds} s of a live Lumina (defaults, USE-lite, one seed on a generated wiki):`,
    "",
    "| run | articles read | answers | /chat latency |",
    "|---|---|---|---|",
    withUpkeep.summary,
    without.summary,
    "",
    "| run | collection | rows | fragments | versions | size on disk |",
    "|---|---|---|---|---|---|",
    ...withUpkeep.rows,
    ...without.rows,
  ].join("\n"),
);
