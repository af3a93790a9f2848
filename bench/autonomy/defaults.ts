/**
 * bench/autonomy, first part: the loop from one seed with the defaults a user gets (USE-lite, every
 * planner and indexer setting as shipped), on the synthetic linked corpus (rate and queue depth) and
 * on the clustered corpus with and without the relevance term (on-topic share, hubs).
 */
import { CLUSTERS, clusteredCorpus, syntheticCorpus } from "@lumina/wiki-fixture";
import { median } from "../stats.ts";
import { startAutonomyLoop } from "../../test/soak/autonomy-loop.ts";

/** CRAWL_BUDGET_PER_HR's default. */
const BUDGET = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Articles read per minute from one seed and the crawl queue depth, sampled every 250 ms. */
export async function defaultsRun(opts: { pages: number; latencyMs: number; durationS: number }) {
  const loop = await startAutonomyLoop({ corpus: syntheticCorpus(opts.pages), latencyMs: opts.latencyMs });
  try {
    const started = Date.now();
    await loop.redis.zadd("crawl:queue", 0, "Topic 0");
    const depths: number[] = [];
    const perMinute: number[] = [];
    let filledAfterS: number | undefined;
    while (Date.now() - started < opts.durationS * 1000) {
      const d = await loop.depth();
      if (filledAfterS === undefined && d >= 20) filledAfterS = (Date.now() - started) / 1000;
      // The band holds while gaps last and the budget allows: sampled until the budget is spent.
      const spent = (await loop.redis.zcard("gaps:issued")) >= BUDGET;
      if (filledAfterS !== undefined && !spent) depths.push(d);
      const minute = Math.floor((Date.now() - started) / 60_000);
      if (minute >= perMinute.length) perMinute.push(await loop.redis.scard("kg:nodes"));
      await sleep(250);
    }
    const read = (await loop.reads()).length;
    perMinute.push(read);
    return {
      read,
      /** articles read in each whole minute (the last one partial when the duration is not whole minutes) */
      perMinute: perMinute.slice(1).map((n, i) => n - (perMinute[i] as number)),
      planned: await loop.redis.zcard("gaps:issued"),
      filledAfterS,
      depth: depths.length
        ? { min: Math.min(...depths), median: median(depths), max: Math.max(...depths) }
        : undefined,
    };
  } finally {
    await loop.stop();
  }
}

/** From the seed "Nebula" on the clustered corpus, until the astronomy cluster is read (or `timeoutS`). */
export async function relevanceRun(opts: { relevance: boolean; latencyMs: number; timeoutS: number }) {
  const { corpus, clusterOf } = clusteredCorpus();
  const loop = await startAutonomyLoop({
    corpus,
    latencyMs: opts.latencyMs,
    ...(opts.relevance ? {} : { env: { PLAN_RELEVANCE: "off" } }),
  });
  try {
    const started = Date.now();
    await loop.redis.zadd("crawl:queue", 0, "Nebula");
    const astronomy = () => loop.reads().then((r) => r.filter((x) => clusterOf.get(x.title) === "astronomy"));
    while (
      Date.now() - started < opts.timeoutS * 1000 &&
      (await astronomy()).length < CLUSTERS.astronomy.length
    )
      await sleep(500);
    const seconds = (Date.now() - started) / 1000;
    const reads = await loop.reads();
    const cluster = reads.map((r) => clusterOf.get(r.title));
    const lastAstronomy = cluster.lastIndexOf("astronomy");
    return {
      reads: reads.length,
      seconds,
      first50: cluster.slice(0, 50).filter((c) => c === "astronomy").length,
      firstHub: cluster.indexOf("hub"),
      hubsBefore: cluster.slice(0, lastAstronomy).filter((c) => c === "hub").length,
      astronomyAllAt:
        cluster.filter((c) => c === "astronomy").length === CLUSTERS.astronomy.length
          ? lastAstronomy + 1
          : undefined,
    };
  } finally {
    await loop.stop();
  }
}

export async function defaultsReport(opts: { pages: number; latencyMs: number; durationS: number }) {
  process.stderr.write(
    `bench/autonomy: one seed, defaults, ${opts.pages}-article linked corpus, ${opts.durationS} s…\n`,
  );
  const d = await defaultsRun(opts);
  const rows: string[] = [];
  for (const relevance of [true, false]) {
    process.stderr.write(`bench/autonomy: clustered corpus, relevance ${relevance ? "on" : "off"}…\n`);
    const r = await relevanceRun({ relevance, latencyMs: opts.latencyMs, timeoutS: 180 });
    rows.push(
      `| ${relevance ? "on (default)" : "off"} | ${r.first50}/50 (${Math.round(r.first50 * 2)} %) | ${r.firstHub < 0 ? "none" : `#${r.firstHub + 1}`} | ${r.hubsBefore} | ${r.astronomyAllAt ?? `not within ${r.reads}`} | ${Math.round((r.reads * 60) / r.seconds)} |`,
    );
  }
  const depth = d.depth ? `${d.depth.min} / ${d.depth.median} / ${d.depth.max}` : "never reached 20";
  return [
    "",
    `One seed, defaults (USE-lite), linked corpus of ${opts.pages}, wiki ${opts.latencyMs} ms a page, ${opts.durationS} s:`,
    "",
    "| articles read | read in each minute | planner crawls (budget 600 an hour) | queue at QUEUE_MIN after | queue depth min / median / max (filled, budget left) |",
    "|---|---|---|---|---|",
    `| ${d.read} | ${d.perMinute.join(", ")} | ${d.planned} | ${d.filledAfterS?.toFixed(1) ?? "—"} s | ${depth} |`,
    "",
    `Clustered corpus (astronomy ${CLUSTERS.astronomy.length}, cooking ${CLUSTERS.cooking.length}, music ${CLUSTERS.music.length}, 6 hubs every article links to), seed "Nebula", until astronomy is read:`,
    "",
    "| relevance | first 50 reads in astronomy | first hub read | hubs read before astronomy was | astronomy complete after reads | articles/min |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
