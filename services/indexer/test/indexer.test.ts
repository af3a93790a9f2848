import { execFile, spawn } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { start as startCrawler } from "@lumina/crawler";
import type { RunningService } from "@lumina/runtime";
import { startStack, type TestStack, waitFor } from "@lumina/testing";
import { LanceDbStore } from "@lumina/vectors";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { start, verifyConsistency } from "../src/main.ts";
import { chunkId } from "../src/domain/chunk.ts";
import { HashingEmbedder, vectorFromBytes } from "@lumina/embeddings";

let stack: TestStack;
let redis: Redis;
let wiki: WikiFixture;
let dataDir: string;
const running: RunningService[] = [];

const baseEnv = () =>
  stack.env({
    RECLAIM_IDLE_MS: "300",
    WIKI_API_URL: wiki.apiUrl,
    CRAWL_QUEUE_POLL_MS: "50",
    PAGERANK_INTERVAL_MS: "100",
  });
const indexed = async (title: string) => (await redis.sismember("kg:nodes", title)) === 1;
/** Every graph:add read by the indexer has been handled to the end and acknowledged. */
const allHandled = async () => ((await redis.xpending("graph:add", "indexer")) as [number])[0] === 0;
async function chunkCounts(pageTitles: string[]) {
  const store = await LanceDbStore.open(join(dataDir, "vectors"));
  try {
    const counts: Record<string, number> = {};
    for (const title of pageTitles) counts[title] = await store.count("chunks", { title });
    return { counts, total: await store.count("chunks") };
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  stack = await startStack("lumina-indexer-");
  ({ redis, dataDir } = stack);
  wiki = await startWikiFixture({ corpus: Corpus.bundled() });
});
afterEach(async () => {
  for (const s of running.splice(0).reverse()) await s.stop();
  await stack.reset();
});
afterAll(async () => {
  await wiki?.close();
  await stack?.stop();
});

describe("indexer (crawler → graph:add → indexer, real Redis, LanceDB on disk)", () => {
  it("indexes a seeded article: chunks, node, links, PageRank, article file and journal", async () => {
    running.push(await startCrawler(baseEnv()), await start({ ...baseEnv(), EMBEDDER: "hashing" }));
    await redis.zadd("crawl:queue", 0, "Bodmin");
    await waitFor("Bodmin in the graph", () => indexed("Bodmin"), { timeoutMs: 20_000 });
    await waitFor("graph:add handled", allHandled); // the journal line comes after the node
    const { counts } = await chunkCounts(["Bodmin"]);
    expect(counts.Bodmin).toBeGreaterThan(5);
    const node = await redis.hgetall("kg:node:Bodmin");
    expect(node).toMatchObject({ title: "Bodmin", summary: expect.stringMatching(/^Bodmin /) });
    expect(await redis.sismember("kg:out:Bodmin", "Bodmin Moor")).toBe(1);
    expect(await redis.sismember("kg:in:Bodmin Moor", "Bodmin")).toBe(1);
    await waitFor("PageRank", async () => (await redis.zscore("kg:pagerank", "Bodmin")) !== null);
    const article = JSON.parse(
      await readFile(join(dataDir, "graphs", "articles", `${node.page_id}.json`), "utf8"),
    );
    expect(article.title).toBe("Bodmin");
    const day = new Date().toISOString().slice(0, 10).split("-");
    const journalDir = join(dataDir, "graphs", "journal", ...day);
    const [file] = await readdir(journalDir);
    expect(await readFile(join(journalDir, file as string), "utf8")).toMatch(
      /"type":"node","title":"Bodmin"/,
    );
  });

  it("leaves one node and one set of chunks when the same title is seeded twice and redelivered", async () => {
    running.push(
      await startCrawler({ ...baseEnv(), RECRAWL_DAYS: "0" }),
      await start({ ...baseEnv(), EMBEDDER: "hashing" }),
    );
    await redis.xadd("crawl:req", "*", "url", "Goryeo_ware");
    await waitFor("first index", () => indexed("Goryeo ware"), { timeoutMs: 20_000 });
    const first = await chunkCounts(["Goryeo ware"]);
    // RECRAWL_DAYS=0: fetched again, same revision, so nothing new is published...
    await redis.xadd("crawl:req", "*", "url", "Goryeo ware");
    // ...and an identical graph:add delivered again (as after a crash) is absorbed too.
    const [firstEntry] = (await redis.xrange("graph:add", "-", "+")) as [string, string[]][];
    await redis.xadd("graph:add", "*", ...(firstEntry?.[1] ?? []));
    await waitFor("both graph:add handled", allHandled);
    await new Promise((r) => setTimeout(r, 500));
    expect(await chunkCounts(["Goryeo ware"])).toEqual(first);
    expect(await redis.scard("kg:nodes")).toBe(1);
  });

  it("replaces the chunks and the links of an older revision", async () => {
    running.push(
      await startCrawler({ ...baseEnv(), RECRAWL_DAYS: "0" }),
      await start({ ...baseEnv(), EMBEDDER: "hashing" }),
    );
    wiki.corpus.add(
      "Lumina test page",
      "'''Lumina test page''' is version one, near [[Bodmin]] and [[Truro]].\n\n== Part ==\nFirst revision text about granite.",
    );
    await redis.xadd("crawl:req", "*", "url", "Lumina test page");
    await waitFor("revision 1", () => indexed("Lumina test page"), { timeoutMs: 20_000 });
    const rev1 = await redis.hget("kg:node:Lumina test page", "revision");
    wiki.corpus.add(
      "Lumina test page",
      "'''Lumina test page''' is version two, near [[Bodmin]] and [[Cornwall]].\n\n== Part ==\nSecond revision text about slate.",
    );
    await redis.xadd("crawl:req", "*", "url", "Lumina test page");
    await waitFor(
      "revision 2",
      async () => (await redis.hget("kg:node:Lumina test page", "revision")) !== rev1,
      { timeoutMs: 20_000 },
    );
    // The dropped link is gone both ways; the new one is there both ways.
    expect((await redis.smembers("kg:out:Lumina test page")).sort()).toEqual(["Bodmin", "Cornwall"]);
    expect(await redis.sismember("kg:in:Truro", "Lumina test page")).toBe(0);
    expect(await redis.sismember("kg:in:Cornwall", "Lumina test page")).toBe(1);
    expect(await redis.sismember("kg:in:Bodmin", "Lumina test page")).toBe(1);
    const store = await LanceDbStore.open(join(dataDir, "vectors"));
    try {
      const hits = await store.query("chunks", { mode: "sparse", text: "granite slate", limit: 10 });
      expect(hits.map((h) => h.text).join(" ")).toContain("slate");
      expect(hits.map((h) => h.text).join(" ")).not.toContain("granite");
      expect(new Set(hits.map((h) => h.payload.revision))).toEqual(
        new Set([Number(await redis.hget("kg:node:Lumina test page", "revision"))]),
      );
    } finally {
      await store.close();
    }
  });

  it("asks once for a title several read articles link to but Lumina has not read (gap:req)", async () => {
    // What is tested: GAP_MIN_INDEGREE above its default; GAP_THRESHOLD 1 so that no page is sparse.
    running.push(
      await startCrawler(baseEnv()),
      await start({ ...baseEnv(), EMBEDDER: "hashing", GAP_MIN_INDEGREE: "2", GAP_THRESHOLD: "1" }),
    );
    wiki.corpus.add("Alpha granite", "'''Alpha granite''' links to [[Dartmoor]] and [[Bodmin Moor]].");
    wiki.corpus.add("Beta granite", "'''Beta granite''' also links to [[Dartmoor]].");
    wiki.corpus.add("Gamma granite", "'''Gamma granite''' links to [[Dartmoor]] as well.");
    await redis.xadd("crawl:req", "*", "url", "Alpha granite");
    await waitFor("alpha", () => indexed("Alpha granite"), { timeoutMs: 20_000 });
    await redis.xadd("crawl:req", "*", "url", "Beta granite");
    await waitFor("beta", () => indexed("Beta granite"), { timeoutMs: 20_000 });
    await redis.xadd("crawl:req", "*", "url", "Gamma granite");
    await waitFor("gamma", () => indexed("Gamma granite"), { timeoutMs: 20_000 });
    // The node is written before the gaps are published: wait for the handler to finish.
    await waitFor("graph:add handled", allHandled);
    const gaps = ((await redis.xrange("gap:req", "-", "+")) as [string, string[]][]).map(([, f]) => f);
    const dangling = gaps.filter((f) => f.includes("dangling"));
    expect(dangling).toEqual([
      [
        "topic",
        "Dartmoor",
        "reason",
        "dangling",
        "score",
        "2",
        "source",
        "indexer",
        "parent",
        "Beta granite",
      ],
    ]);
    expect(gaps.filter((f) => f.includes("sparse"))).toEqual([]);
  });

  it("by default asks for every unread link, as sparse ones when the article told too little", async () => {
    running.push(await startCrawler(baseEnv()), await start({ ...baseEnv(), EMBEDDER: "hashing" }));
    wiki.corpus.add("Delta granite", "'''Delta granite''' links to [[Lundy]] and [[Delta granite]].");
    await redis.xadd("crawl:req", "*", "url", "Delta granite");
    await waitFor("delta", () => indexed("Delta granite"), { timeoutMs: 20_000 });
    await waitFor("graph:add handled", allHandled);
    const gaps = ((await redis.xrange("gap:req", "-", "+")) as [string, string[]][]).map(([, f]) => f);
    // One short chunk (< GAP_THRESHOLD 3): its one unread link is a sparse gap; the article itself is read.
    expect(gaps).toEqual([
      ["topic", "Lundy", "reason", "sparse", "score", "2", "source", "indexer", "parent", "Delta granite"],
    ]);
    // Read because a person asked (crawl:req without why): kept with the node, and among the interests.
    expect(JSON.parse((await redis.hget("kg:node:Delta granite", "read_because")) as string)).toEqual({
      source: "user",
      why: "manual",
    });
    const interest = JSON.parse((await redis.hget("interests:seeds", "Delta granite")) as string);
    expect(interest.text).toMatch(/^Delta granite\. /);
    // With the lead chunk's vector, so that the planner does not embed the interest again.
    expect(interest.model).toMatch(/^hashing/);
    const lead = await redis.hgetBuffer("interests:seeds:vectors", "Delta granite");
    const norm = Math.hypot(...(vectorFromBytes(lead, (lead?.length ?? 0) / 4) ?? []));
    expect(lead?.length).toBeGreaterThan(0);
    expect(norm).toBeCloseTo(1, 5); // an embedder's vector: L2-normalised
  });
});

describe("indexer: semantic links and snapshots", () => {
  it("links articles with close lead chunks and writes graph snapshots", async () => {
    running.push(
      await startCrawler(baseEnv()),
      await start({
        ...baseEnv(),
        EMBEDDER: "hashing",
        SEMANTIC_MIN_SCORE: "0.5",
        SNAPSHOT_INTERVAL_S: "0.05",
      }),
    );
    const lead = "is an igneous rock quarried on Bodmin Moor in Cornwall for building stone and kerbs";
    wiki.corpus.add("Cornish granite", `'''Cornish granite''' ${lead}.`);
    wiki.corpus.add("Moorstone", `'''Moorstone''' ${lead} since medieval times.`);
    wiki.corpus.add(
      "Statoil test",
      "'''Statoil test''' is a Norwegian petroleum company with offshore oil platforms.",
    );
    for (const t of ["Cornish granite", "Moorstone", "Statoil test"]) {
      await redis.xadd("crawl:req", "*", "url", t);
      await waitFor(t, () => indexed(t), { timeoutMs: 20_000 });
    }
    expect(await redis.zrange("kg:sem:Moorstone", 0, -1)).toEqual(["Cornish granite"]);
    expect(await redis.zrange("kg:sem:Cornish granite", 0, -1)).toEqual(["Moorstone"]);
    expect(await redis.zcard("kg:sem:Statoil test")).toBe(0);

    const snapshots = join(dataDir, "graphs", "snapshots");
    type Snap = { nodes: { title: string; semantic: { title: string }[]; pagerank: number }[] };
    const snap = await waitFor("a snapshot with all three nodes", async () => {
      const last = (await readdir(snapshots).catch(() => [] as string[])).sort().at(-1);
      if (!last) return null;
      const s = JSON.parse(await readFile(join(snapshots, last), "utf8")) as Snap;
      return s.nodes.length === 3 ? s : null;
    });
    const moorstone = snap.nodes.find((n) => n.title === "Moorstone");
    expect(moorstone?.semantic.map((s) => s.title)).toEqual(["Cornish granite"]);
    expect(moorstone?.pagerank).toBeGreaterThan(0);
  });
});

describe("indexer: vector-store maintenance", () => {
  it("builds the ANN index once the collection is big enough, and search keeps working", async () => {
    running.push(
      await startCrawler(baseEnv()),
      await start({
        ...baseEnv(),
        EMBEDDER: "hashing",
        INDEX_MAINTENANCE_S: "0.2",
        ANN_INDEX_MIN_CHUNKS: "20",
      }),
    );
    await redis.xadd("crawl:req", "*", "url", "Toronto");
    await waitFor("Toronto indexed", () => indexed("Toronto"), { timeoutMs: 20_000 });
    const marker = join(dataDir, "vectors", "chunks.ann.json");
    const built = await waitFor("ANN index built", async () =>
      readFile(marker, "utf8").then(
        (t) => JSON.parse(t) as { rows: number; kind: string },
        () => null,
      ),
    );
    expect(built.kind).toBe("hnsw-sq");
    expect(built.rows).toBeGreaterThanOrEqual(20);
    const store = await LanceDbStore.open(join(dataDir, "vectors"));
    try {
      const [lead] = await store.query("chunks", { mode: "sparse", text: "Toronto Ontario", limit: 1 });
      expect(lead?.payload.title).toBe("Toronto");
    } finally {
      await store.close();
    }
  });
});

describe("indexer crash recovery", () => {
  it("converges on one set of chunks after kill -9 mid-batch and a restart", async () => {
    running.push(await startCrawler(baseEnv()));
    const env = { ...process.env, ...baseEnv(), EMBEDDER: "use-lite", LOG_LEVEL: "warn" };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("../src/main.ts", import.meta.url))],
      {
        env,
        stdio: "ignore",
      },
    );
    const titles = ["Bazooka", "United Kingdom", "Toronto"];
    for (const t of titles) await redis.xadd("crawl:req", "*", "url", t);
    await waitFor("one article indexed", async () => (await redis.hlen("kg:indexed")) >= 1, {
      timeoutMs: 60_000,
    });
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL"); // in the middle of the batch: the big article is being embedded
    await exited;
    expect(await redis.hlen("kg:indexed")).toBeLessThan(3);

    running.push(await start({ ...baseEnv(), EMBEDDER: "use-lite" }));
    await waitFor("all three indexed", async () => (await redis.scard("kg:nodes")) === 3, {
      timeoutMs: 120_000,
    });
    await waitFor("nothing pending", allHandled);
    const { counts, total } = await chunkCounts(["Bazooka", "United Kingdom", "Toronto"]);
    expect(Object.values(counts).every((n) => n > 0)).toBe(true);
    expect(total).toBe(Object.values(counts).reduce((a, b) => a + b, 0)); // no strays, no duplicates
    const store = await LanceDbStore.open(join(dataDir, "vectors"));
    try {
      const ids = (await store.query("chunks", { mode: "sparse", text: "the", limit: 10_000 })).map(
        (h) => h.id,
      );
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await store.close();
    }
    expect(await redis.xlen("graph:add:dlq")).toBe(0);
  }, 180_000);
});

describe("lumina reindex: the vector store rebuilt from graphs/ alone", () => {
  it("rebuilds every article's chunks with another embedder after the store is lost", async () => {
    running.push(await startCrawler(baseEnv()), await start({ ...baseEnv(), EMBEDDER: "hashing" }));
    for (const t of ["Goryeo ware", "Damphu drum"]) await redis.xadd("crawl:req", "*", "url", t);
    await waitFor("both indexed", async () => (await redis.scard("kg:nodes")) === 2, { timeoutMs: 20_000 });
    await waitFor("graph:add handled", allHandled);
    const before = await chunkCounts(["Goryeo ware", "Damphu drum"]);
    for (const s of running.splice(0).reverse()) await s.stop();

    await rm(join(dataDir, "vectors"), { recursive: true, force: true }); // the store is gone
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [fileURLToPath(new URL("../../../cli/bin/lumina.js", import.meta.url)), "reindex"],
      { env: { ...process.env, DATA_DIR: dataDir, EMBEDDER: "use-lite", LOG_LEVEL: "silent" } },
    );
    expect(stdout).toMatch(/reindex: done, 2 articles, \d+ chunks/);
    expect(await chunkCounts(["Goryeo ware", "Damphu drum"])).toEqual(before);
    const store = await LanceDbStore.open(join(dataDir, "vectors"));
    try {
      await expect(
        store.ensureCollection({ name: "chunks", dimension: 256, model: "hashing-fnv1a-uni-bigram-256" }),
      ).rejects.toThrow(/lumina reindex/);
      const hits = await store.query("chunks", { mode: "sparse", text: "tambourine", limit: 3 });
      expect(hits[0]?.payload.title).toBe("Damphu drum");
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe("verifyConsistency (`lumina doctor --verify`)", () => {
  it("finds 0 differences after indexing, and each kind of damage when it is there", async () => {
    const env = { ...baseEnv(), EMBEDDER: "hashing", CHUNK_CHARS: "600", CHUNK_OVERLAP_CHARS: "80" };
    running.push(await startCrawler(baseEnv()), await start(env));
    for (const t of ["Goryeo ware", "Damphu drum", "Bodmin"]) await redis.xadd("crawl:req", "*", "url", t);
    await waitFor("all indexed", async () => (await redis.scard("kg:nodes")) === 3, { timeoutMs: 30_000 });
    await waitFor("graph:add handled", allHandled);
    for (const s of running.splice(0).reverse()) await s.stop();

    const store = await LanceDbStore.open(join(dataDir, "vectors"));
    const verify = () =>
      verifyConsistency({
        graphsDir: join(dataDir, "graphs"),
        store,
        redis,
        chunkChars: 600,
        overlapChars: 80,
      });
    try {
      const clean = await verify();
      expect(clean).toMatchObject({ articles: 3, nodes: 3, differences: [] });
      expect(clean.chunks).toBeGreaterThan(10);
      expect(clean.journal_lines).toBe(3);

      const goryeo = Number(await redis.hget("kg:node:Goryeo ware", "page_id"));
      const damphu = Number(await redis.hget("kg:node:Damphu drum", "page_id"));
      await store.delete("chunks", { page_id: goryeo, chunk: 1 }); // a lost chunk
      const [kept] = await store.get("chunks", [
        chunkId(damphu, Number(await redis.hget("kg:node:Damphu drum", "revision")), 0),
      ]);
      if (!kept) throw new Error("chunk 0 of Damphu drum not found");
      const vector = (await new HashingEmbedder().embed(["x"]))[0] as number[];
      await store.upsert("chunks", [
        { id: "stale-revision", vector, text: kept.text, payload: { ...kept.payload, revision: 1 } },
        { id: "orphan", vector, text: "nobody", payload: { ...kept.payload, page_id: 999_999 } },
      ]);
      await redis.srem("kg:nodes", "Bodmin");
      await redis.sadd("kg:nodes", "Ghost");
      await redis.srem("kg:out:Damphu drum", (await redis.smembers("kg:out:Damphu drum"))[0] as string);

      const damaged = await verify();
      const kinds = damaged.differences.map((d) => `${d.kind}:${d.title ?? ""}`).sort();
      expect(kinds).toEqual([
        "chunks_extra:Damphu drum",
        "chunks_missing:Goryeo ware",
        "chunks_orphaned:",
        "links:Damphu drum",
        "node_missing:Bodmin",
        "node_unexpected:Ghost",
      ]);
      expect(damaged.differences.find((d) => d.kind === "chunks_orphaned")?.detail).toMatch(/^1 of/);
    } finally {
      await store.close();
    }
  }, 60_000);
});
