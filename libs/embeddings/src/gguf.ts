import { access } from "node:fs/promises";
import { basename } from "node:path";
import { getLlama, type LlamaEmbeddingContext, type LlamaModel } from "node-llama-cpp";
import type { Embedder } from "./port.ts";
import { LuminaError } from "@lumina/errors";

/**
 * A GGUF embedding model (bge-small-en-v1.5, all-MiniLM-L6-v2 …) run in process by node-llama-cpp on
 * the CPU. Texts longer than the model's context are cut to it; vectors are L2-normalised.
 */
export class GgufEmbedder implements Embedder {
  readonly fallback = false;
  readonly modelId: string;
  readonly dimension: number;

  private constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaEmbeddingContext,
    private readonly contextSize: number,
    path: string,
  ) {
    this.modelId = `gguf:${basename(path).replace(/\.gguf$/i, "")}`;
    this.dimension = model.embeddingVectorSize;
  }

  static async load(options: {
    modelPath: string;
    threads: number;
    contextSize?: number;
  }): Promise<GgufEmbedder> {
    await access(options.modelPath).catch((cause: unknown) => {
      throw new LuminaError(
        "model_missing",
        `EMBED_MODEL_PATH ${options.modelPath} cannot be read: run \`lumina models pull bge-small-en-v1.5\`, point ` +
          "EMBED_MODEL_PATH at a GGUF embedding model, or set EMBEDDER=use-lite",
        { cause },
      );
    });
    const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const contextSize = Math.min(options.contextSize ?? 512, model.trainContextSize);
    const context = await model.createEmbeddingContext({
      contextSize,
      batchSize: contextSize,
      threads: options.threads,
    });
    return new GgufEmbedder(model, context, contextSize, options.modelPath);
  }

  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (const text of texts) {
      if (!text.trim()) {
        out.push(new Array<number>(this.dimension).fill(0));
        continue;
      }
      // Room is left for the special tokens the model adds around the text.
      const tokens = this.model.tokenize(text).slice(0, this.contextSize - 8);
      const { vector } = await this.context.getEmbeddingFor(tokens);
      const norm = Math.hypot(...vector) || 1;
      out.push(vector.map((x) => x / norm));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}
