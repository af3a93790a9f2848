import { type Embedder, vectorFromBytes } from "@lumina/embeddings";
import { INTERESTS } from "@lumina/events";
import type { Redis } from "ioredis";
import { type Interest, relevanceTerm } from "./domain/relevance.ts";

/** Questions counted among the interests: the latest ones. */
const QUESTIONS = 20;
/**
 * Texts embedded per call, with a pause between calls: an in-process embedder (USE-lite) runs on the
 * event loop, and the planner shares it with the chat API in the one-process runner.
 */
const BATCH = 32;
/** New titles embedded per round at most (~0.7 s with USE-lite here); the others wait for the next. */
const NEW_PER_ROUND = 256;

/**
 * Relevance of candidate titles to Lumina's interests (seeded articles, recent questions), with the
 * configured embedder. Title and interest vectors are kept in memory (least recently used dropped past
 * `capacity`), so a round embeds only what it has not seen; a restart embeds again on demand. A seed
 * comes with its lead chunk's vector, which the indexer embedded already (INTERESTS.seedVectors): taken
 * as it is when the same model made it, instead of embedding nearly the same text a second time.
 */
export class RelevanceScorer {
  readonly #vectors = new Map<string, Float32Array>();

  constructor(
    private readonly redis: Redis,
    private readonly embedder: Embedder,
    private readonly settings: { halfLifeMs: number; capacity: number },
  ) {}

  /**
   * The closeness of each title (domain/relevance.ts) to the interests as they are now. Titles not
   * embedded yet beyond NEW_PER_ROUND are left out: they are scored in a later round.
   */
  async score(titles: string[], now: number): Promise<Map<string, number>> {
    const interests = await this.interests(now);
    const vectors = await this.#embed(titles, NEW_PER_ROUND);
    const out = new Map<string, number>();
    for (const t of titles) {
      const v = vectors.get(t);
      if (v) out.set(t, relevanceTerm(t, v, interests, this.settings.halfLifeMs));
    }
    return out;
  }

  /** Every seed interest and the latest questions, embedded. */
  async interests(now: number): Promise<Interest[]> {
    const [seeds, questions] = await Promise.all([
      this.redis.hgetall(INTERESTS.seeds),
      this.redis.lrange(INTERESTS.questions, 0, QUESTIONS - 1),
    ]);
    const parse = (kind: Interest["kind"]) => (raw: string, title?: string) => {
      try {
        const v = JSON.parse(raw) as { text?: unknown; at?: unknown; model?: unknown };
        if (typeof v.text !== "string") return [];
        return [{ kind, title, text: v.text, at: Number(v.at) || now, model: v.model }];
      } catch {
        return []; // a hand-written entry that is not ours: ignored
      }
    };
    const parsed = [
      ...Object.entries(seeds).flatMap(([title, raw]) => parse("seed")(raw, title)),
      ...questions.flatMap((raw) => parse("question")(raw)),
    ];
    const known = parsed.filter((p) => p.model === this.embedder.modelId && !this.#vectors.has(p.text));
    await this.#takeStored(known as { title: string; text: string }[]);
    const vectors = await this.#embed(parsed.map((p) => p.text));
    return parsed.map((p) => ({
      vector: vectors.get(p.text) as Float32Array,
      ageMs: now - p.at,
      kind: p.kind,
    }));
  }

  /** Seeds' vectors the indexer stored, into memory under their texts (those of the right size). */
  async #takeStored(seeds: { title: string; text: string }[]): Promise<void> {
    if (seeds.length === 0) return;
    const stored = await this.redis.hmgetBuffer(INTERESTS.seedVectors, ...seeds.map((s) => s.title));
    seeds.forEach((s, i) => {
      const vector = vectorFromBytes(stored[i], this.embedder.dimension);
      if (vector) this.#vectors.set(s.text, vector); // else embedded from the text
    });
  }

  /** Vectors of `texts`: those in memory, and up to `newAtMost` embedded now (all by default). */
  async #embed(texts: string[], newAtMost = Infinity): Promise<Map<string, Float32Array>> {
    const missing = [...new Set(texts.filter((t) => !this.#vectors.has(t)))].slice(0, newAtMost);
    for (let i = 0; i < missing.length; i += BATCH) {
      if (i > 0) await new Promise((r) => setImmediate(r)); // let waiting requests in
      const part = missing.slice(i, i + BATCH);
      const vectors = await this.embedder.embed(part);
      part.forEach((t, j) => this.#vectors.set(t, Float32Array.from(vectors[j] as number[])));
    }
    const out = new Map<string, Float32Array>();
    for (const t of texts) {
      const v = this.#vectors.get(t);
      if (!v) continue;
      this.#vectors.delete(t); // re-inserted: the Map's order is the order of use
      this.#vectors.set(t, v);
      out.set(t, v);
    }
    for (const oldest of this.#vectors.keys()) {
      if (this.#vectors.size <= this.settings.capacity) break;
      this.#vectors.delete(oldest);
    }
    return out;
  }
}
