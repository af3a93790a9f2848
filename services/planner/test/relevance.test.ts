import { HashingEmbedder, UseLiteEmbedder, vectorToBytes } from "@lumina/embeddings";
import { startRedisServer } from "@lumina/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cosine,
  interestWeight,
  isNotAnArticle,
  NOT_AN_ARTICLE_FACTOR,
  onTopic,
  RELEVANCE_FLOOR,
  relevanceTerm,
} from "../src/domain/relevance.ts";
import { RelevanceScorer } from "../src/relevance.ts";

const fresh = (vector: number[]) => ({ vector, ageMs: 0, kind: "seed" as const });

describe("relevance term", () => {
  const x = [1, 0, 0];
  const y = [0, 1, 0];
  const xy = [Math.SQRT1_2, Math.SQRT1_2, 0];

  it("is the best cosine with any interest, each interest a topic of its own", () => {
    expect(relevanceTerm("A", xy, [fresh(x)], 1_000)).toBeCloseTo(Math.SQRT1_2, 10);
    expect(relevanceTerm("A", y, [fresh(x), fresh(y)], 1_000)).toBeCloseTo(1, 10);
  });
  it("never falls under the floor, and is 1 for everyone when there is no interest yet", () => {
    expect(relevanceTerm("A", [0, 0, 1], [fresh(x)], 1_000)).toBe(RELEVANCE_FLOOR);
    expect(relevanceTerm("A", [0, 0, 1], [], 1_000)).toBe(1);
  });
  it("weighs a fresh seed fully and an old one towards half; a fresh question double, an old one fully", () => {
    const seed = (ageMs: number) => ({ ageMs, kind: "seed" as const });
    const question = (ageMs: number) => ({ ageMs, kind: "question" as const });
    expect(interestWeight(seed(0), 1_000)).toBe(1);
    expect(interestWeight(seed(1_000), 1_000)).toBe(0.75);
    expect(interestWeight(seed(1e12), 1_000)).toBeCloseTo(0.5, 10);
    expect(interestWeight(question(0), 1_000)).toBe(2);
    expect(interestWeight(question(1_000), 1_000)).toBe(1.5);
    expect(interestWeight(question(1e12), 1_000)).toBeCloseTo(1, 10);
    expect(relevanceTerm("A", x, [{ vector: x, ...seed(1_000) }], 1_000)).toBe(0.75);
    // A fresh question about y outweighs an equally close seed about x, and relevance stays ≤ 1.
    const q = { vector: y, ...question(0) };
    expect(relevanceTerm("B", [0.6, 0.8, 0], [fresh(x), q], 1_000)).toBe(1);
    expect(relevanceTerm("B", [0.8, 0.4, 0.4472], [fresh(x), q], 1_000)).toBeCloseTo(0.8, 3);
  });
  it("cuts pages that name no topic: lists, years, dates, identifiers, disambiguation", () => {
    for (const t of [
      "List of comets",
      "1990",
      "1990s",
      "44 BC",
      "19th century",
      "March 3",
      "3 March",
      "ISBN (identifier)",
      "Doi (identifier)",
      "Mercury (disambiguation)",
      "Wayback Machine",
    ])
      expect(isNotAnArticle(t), t).toBe(true);
    for (const t of ["Comet", "Halley's Comet", "Apollo 11", "United States", "Listeria"])
      expect(isNotAnArticle(t), t).toBe(false);
    expect(relevanceTerm("1990", x, [fresh(x)], 1_000)).toBeCloseTo(NOT_AN_ARTICLE_FACTOR, 10);
  });
  it("keeps for now only the candidates close to the best one", () => {
    const c = [{ relevance: 0.5 }, { relevance: 0.3 }, { relevance: 0.2 }];
    expect(onTopic(c, 0.5)).toEqual([{ relevance: 0.5 }, { relevance: 0.3 }]);
    expect(onTopic(c, 0)).toEqual(c);
    expect(onTopic([], 0.5)).toEqual([]);
    // An on-topic article still coming (sent, not read yet) holds the far ones back too.
    expect(onTopic([{ relevance: 0.2 }], 0.5, 0.6)).toEqual([]);
  });
});

// The default embedder (USE-lite) separates a seed's topic from the hubs real articles link to.
describe("relevance with USE-lite", () => {
  let embedder: UseLiteEmbedder;
  beforeAll(async () => {
    embedder = await UseLiteEmbedder.load();
  }, 60_000);
  afterAll(() => embedder?.close());

  it("ranks titles of the seed's topic above hubs and other topics", async () => {
    const seed =
      "Nebula. A nebula is a distinct luminescent part of interstellar medium, made of ionized hydrogen and cosmic dust.";
    const titles = ["Telescope", "Supernova", "Interstellar medium", "United States", "Bread", "Violin"];
    const [s, ...v] = await embedder.embed([seed, ...titles]);
    const rel = titles.map((t, i) => relevanceTerm(t, v[i] as number[], [fresh(s as number[])], 1_000));
    const [telescope, supernova, medium, usa, bread, violin] = rel as number[];
    for (const onTopicTitle of [telescope, supernova, medium] as number[])
      for (const off of [usa, bread, violin] as number[]) expect(onTopicTitle).toBeGreaterThan(2 * off);
  });
});

// The planner shares the event loop with the chat API in one process: a round embeds a bounded number
// of new titles, in small batches, and leaves the rest for the next rounds.
/** The real hashing embedder, telling `seen` what each call embeds. */
function watchedHashing(seen: (texts: string[]) => void) {
  const hashing = new HashingEmbedder(64);
  return {
    hashing,
    embedder: {
      ...hashing,
      modelId: hashing.modelId,
      dimension: 64,
      fallback: true,
      close: async () => {},
      embed: (t: string[]) => (seen(t), hashing.embed(t)),
    },
  };
}

describe("RelevanceScorer", () => {
  it("embeds at most 256 new titles a round, in batches of 32, and scores the rest in later rounds", async () => {
    const server = await startRedisServer();
    const redis = new Redis(server.url);
    try {
      const batches: number[] = [];
      const { embedder } = watchedHashing((t) => batches.push(t.length));
      await redis.hset("interests:seeds", "Topic 0", JSON.stringify({ text: "Topic 0", at: Date.now() }));
      const scorer = new RelevanceScorer(redis, embedder, { halfLifeMs: 1_000, capacity: 10_000 });
      const titles = Array.from({ length: 600 }, (_, i) => `Topic ${i + 1}`);
      expect((await scorer.score(titles, Date.now())).size).toBe(256);
      expect(Math.max(...batches.slice(1))).toBeLessThanOrEqual(32); // the first call: the interest
      expect((await scorer.score(titles, Date.now())).size).toBe(512);
      expect((await scorer.score(titles, Date.now())).size).toBe(600);
      const before = batches.length;
      expect((await scorer.score(titles, Date.now())).size).toBe(600); // all in memory now
      expect(batches.length).toBe(before);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });

  it("takes a seed's stored lead-chunk vector when its own model made it, and embeds the text otherwise", async () => {
    const server = await startRedisServer();
    const redis = new Redis(server.url);
    try {
      const embedded: string[] = [];
      const { hashing, embedder } = watchedHashing((t) => embedded.push(...t));
      const [lead] = await hashing.embed(["Comet. Lead. A comet is an icy body."]);
      const entry = (text: string, model: string) => JSON.stringify({ text, at: Date.now(), model });
      await redis.hset(
        "interests:seeds",
        ...["Comet", entry("Comet. A comet is an icy body.", hashing.modelId)],
        ...["Violin", entry("Violin. A violin is a string instrument.", "another-model")],
        ...["Bread", entry("Bread. Bread is a staple food.", hashing.modelId)], // no vector stored
      );
      await redis.hset("interests:seeds:vectors", "Comet", vectorToBytes(lead as number[]));
      await redis.hset("interests:seeds:vectors", "Violin", vectorToBytes(lead as number[]));
      const scorer = new RelevanceScorer(redis, embedder, { halfLifeMs: 1_000, capacity: 100 });
      const interests = await scorer.interests(Date.now());
      expect(embedded.sort()).toEqual([
        "Bread. Bread is a staple food.",
        "Violin. A violin is a string instrument.",
      ]);
      expect(interests).toHaveLength(3);
      // Comet's interest is the stored lead-chunk vector itself, not an embedding of its text.
      expect(interests.some((i) => cosine(i.vector, lead as number[]) > 0.999)).toBe(true);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
