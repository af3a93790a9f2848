import { readdirSync, readFileSync } from "node:fs";
import { LuminaError } from "@lumina/errors";
import { afterEach, describe, expect, it } from "vitest";
import { type Embedder, loadEmbedder, poolStats, UseLiteEmbedder } from "../src/index.ts";
import { EmbedderPool } from "../src/pool/pool.ts";

const settings = (threads = "auto") =>
  ({ EMBEDDER: "use-lite", EMBED_MODEL: "x", EMBED_THREADS: threads, DATA_DIR: "/nonexistent" }) as const;
const chunk = (i: number) =>
  `Chunk ${i}: Bodmin is a civil parish and town in Cornwall, England, near Bodmin Moor. `.repeat(6);

/** The nice value of each thread of this process (Linux). */
const niceValues = () =>
  readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });

describe("the embedding pool (USE-lite on worker threads)", () => {
  const open: Embedder[] = [];
  const load = async (lane: "interactive" | "background" | "idle", threads?: string) => {
    const embedder = await loadEmbedder(settings(threads), { lane });
    open.push(embedder);
    return embedder;
  };
  afterEach(async () => {
    for (const e of open.splice(0)) await e.close();
  });

  it("gives the vectors the embedder gives on its own thread, empty texts included", async () => {
    const pooled = await load("background");
    const own = await UseLiteEmbedder.load();
    const texts = ["Where is Bodmin?", "", chunk(1), "zzqx ŧŋ Ω 12345", chunk(2), chunk(3)];
    const [a, b] = [await pooled.embed(texts), await own.embed(texts)];
    expect(pooled.modelId).toBe(own.modelId);
    expect(pooled.dimension).toBe(512);
    expect(a).toHaveLength(texts.length);
    a.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(b[i]?.[j] as number, 5)));
    expect(a[1]?.every((x) => x === 0)).toBe(true);
  }, 60_000);

  it("answers a chat query while a long background batch is still running", async () => {
    const indexing = await load("background");
    const chat = await load("interactive");
    let batchDone = false;
    const batch = indexing.embed(Array.from({ length: 48 }, (_, i) => chunk(i))).then((v) => {
      batchDone = true;
      return v;
    });
    await expect.poll(() => poolStats()[0]?.queued.background ?? 0).toBeGreaterThan(0);
    const [question] = await chat.embed(["What is Bodmin?"]);
    expect(question).toHaveLength(512);
    expect(batchDone).toBe(false); // the question did not wait behind the chunks
    expect(poolStats()[0]?.queued.background).toBeGreaterThan(0);
    expect(await batch).toHaveLength(48);
  }, 90_000);

  it("embeds idle work after indexing queued later, and overdue idle work first", async () => {
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => order.push(name));
    // One shared thread each: jobs run one at a time, in the order the pool picks them.
    const patient = new EmbedderPool(settings("1"), 1);
    const hurried = new EmbedderPool(settings("1"), 1, 500);
    try {
      await Promise.all([patient.info("background"), hurried.info("background")]);
      const early = track("indexing queued first", patient.embed([0, 1, 2, 3].map(chunk), "background", 512));
      const fold = track("idle", patient.embed(["Reflections on Bodmin."], "idle", 512));
      const late = track("indexing queued later", patient.embed([4, 5, 6, 7].map(chunk), "background", 512));
      await Promise.all([early, fold, late]);
      expect(order).toEqual(["indexing queued first", "indexing queued later", "idle"]);
      // What `embed_pool_texts_total{lane}` reports: texts, by the lane they came in.
      expect(patient.stats().embedded).toEqual({ interactive: 0, background: 8, idle: 1 });

      // An idle job that waited past the limit (500 ms here) goes ahead of indexing still queued.
      order.length = 0;
      const chunks = Array.from({ length: 64 }, (_, i) => chunk(i)); // seconds of work on one thread
      const long = track("indexing", hurried.embed(chunks, "background", 512));
      const overdue = track("idle", hurried.embed(["Reflections on Truro."], "idle", 512));
      await Promise.all([long, overdue]);
      expect(order).toEqual(["idle", "indexing"]);
    } finally {
      await Promise.all([patient.close(), hurried.close()]);
    }
  }, 120_000);

  it("shares one pool between the handles of a process, and ends it with the last", async () => {
    const a = await load("background", "2");
    const b = await load("interactive", "2");
    expect(poolStats()).toHaveLength(1);
    expect(poolStats()[0]?.threads).toEqual({ interactive: 1, background: 1 });
    await a.close();
    expect(poolStats()).toHaveLength(1);
    await b.close();
    expect(poolStats()).toHaveLength(0);
    await expect(b.embed(["late"])).rejects.toThrow(LuminaError);
    await expect(b.embed(["late"])).rejects.toMatchObject({ code: "embedder_closed" });
  }, 60_000);

  it.runIf(process.platform === "linux")(
    "runs background threads at a lower priority (nice 5), the chat thread at the process's",
    async () => {
      const before = niceValues().filter((n) => n === 5).length;
      await load("background", "1");
      await load("interactive", "1");
      expect(niceValues().filter((n) => n === 5).length).toBe(before + 1);
    },
    60_000,
  );

  it("embeds on the caller's thread with EMBED_THREADS=off", async () => {
    const own = await load("background", "off");
    expect(own).toBeInstanceOf(UseLiteEmbedder);
    expect(poolStats()).toHaveLength(0);
  }, 60_000);
});
