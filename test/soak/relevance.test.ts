import { waitFor } from "@lumina/testing";
import { CLUSTERS, clusteredCorpus } from "@lumina/wiki-fixture";
import { afterEach, describe, expect, it } from "vitest";
import { type AutonomyLoop, startAutonomyLoop } from "./autonomy-loop.ts";

// The planner's relevance term on a corpus of three topical clusters (astronomy, cooking, music) and
// six hub pages every article links to, with the defaults a user gets: from one seed Lumina reads its
// topic out before it wanders, and a question pulls it towards the question's topic.
const { corpus, clusterOf } = clusteredCorpus();
const ASTRONOMY = CLUSTERS.astronomy.length;
let loop: AutonomyLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  loop = undefined;
});

const readCount = (l: AutonomyLoop, n: number) => async () => (await l.reads()).length >= n;

describe("relevance: on topic, not drifting to hubs (default settings)", () => {
  it("from a seed in one cluster reads that cluster first and no hub before the cluster is read", async () => {
    loop = await startAutonomyLoop({ corpus, latencyMs: 100 });
    await loop.redis.zadd("crawl:queue", 0, "Nebula");
    const l = loop;
    await waitFor(
      "the whole astronomy cluster read",
      async () => {
        const reads = await l.reads();
        return reads.filter((r) => clusterOf.get(r.title) === "astronomy").length === ASTRONOMY;
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
    const reads = await loop.reads();
    const first50 = reads.slice(0, 50).filter((r) => clusterOf.get(r.title) === "astronomy").length;
    expect(first50 / 50).toBeGreaterThanOrEqual(0.8);
    const lastAstronomy = reads.findLastIndex((r) => clusterOf.get(r.title) === "astronomy");
    const hubsBefore = reads.slice(0, lastAstronomy).filter((r) => clusterOf.get(r.title) === "hub");
    expect(hubsBefore.map((r) => r.title)).toEqual([]);
    // Every read after the seed is the planner's, and names the read article whose link it followed.
    const titles = new Set(reads.map((r) => r.title));
    for (const r of reads.slice(1)) expect(titles.has(r.parent as string)).toBe(true);
    console.log(
      `relevance: ${first50}/50 of the first reads in the seed's cluster; all ${ASTRONOMY} read within ` +
        `${lastAstronomy + 1} reads, hubs before that: ${hubsBefore.length}`,
    );
  }, 200_000);

  it("a question about another topic pulls the next reads towards it", async () => {
    loop = await startAutonomyLoop({ corpus, latencyMs: 100, with: ["rag-worker"] });
    await loop.redis.zadd("crawl:queue", 0, "Nebula");
    await waitFor("ten astronomy articles read", readCount(loop, 10), { timeoutMs: 60_000 });
    const before = await loop.reads();
    expect(before.filter((r) => clusterOf.get(r.title) === "cooking")).toEqual([]);

    const chat = loop.services["rag-worker"]?.urls.chat as string;
    const res = await fetch(`${chat}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "What is an Omelette made of?", session: "q" }),
    });
    expect(res.status).toBe(200);
    const asked = before.length;
    await waitFor("ten more articles read", readCount(loop, asked + 10), { timeoutMs: 60_000 });
    const next = (await loop.reads()).slice(asked, asked + 10);
    const cooking = next.filter((r) => clusterOf.get(r.title) === "cooking");
    // The question's own topic is read at once, then what it links to, beside the seed's topic.
    expect(["unknown", "low_confidence"]).toContain(next.find((r) => r.title === "Omelette")?.why);
    expect(cooking.length).toBeGreaterThanOrEqual(4);
    expect(
      cooking.filter((r) => r.title !== "Omelette").every((r) => clusterOf.get(r.parent ?? "") !== undefined),
    ).toBe(true);
    console.log(
      `question pull: of the 10 reads after the question, ${cooking.length} about cooking: ${next.map((r) => r.title).join(", ")}`,
    );
  }, 200_000);
});
