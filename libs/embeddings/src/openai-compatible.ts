import type { Embedder } from "./port.ts";
import { LuminaError, RetryableError } from "@lumina/errors";

export interface OpenAiEmbedderOptions {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), https://api.openai.com/v1, or Lumina's own …:8000/v1 */
  baseUrl: string;
  apiKey?: string;
  model: string;
  batchSize?: number;
  timeoutMs?: number;
}

/**
 * Any server with the OpenAI embeddings API (`POST /embeddings`). The dimension is learnt from one
 * probe request at connect time, so a collection is never created with a guessed size.
 */
export class OpenAiEmbedder implements Embedder {
  readonly fallback = false;
  readonly modelId: string;

  private constructor(
    private readonly options: OpenAiEmbedderOptions,
    readonly dimension: number,
  ) {
    this.modelId = `openai:${options.model}`;
  }

  static async connect(options: OpenAiEmbedderOptions): Promise<OpenAiEmbedder> {
    const [probe] = await request(options, ["dimension probe"]);
    if (!probe || probe.length === 0)
      throw new LuminaError(
        "embedder_bad_output",
        `${options.baseUrl} returned no embedding for a probe text`,
      );
    return new OpenAiEmbedder(options, probe.length);
  }

  async embed(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    const size = this.options.batchSize ?? 64;
    for (let start = 0; start < texts.length; start += size) {
      const batch = texts.slice(start, start + size);
      // Some servers reject empty strings: those get a zero vector, as with the other embedders.
      const filled = batch.flatMap((t, i) => (t.trim() ? [i] : []));
      const vectors =
        filled.length > 0
          ? await request(
              this.options,
              filled.map((i) => batch[i] as string),
            )
          : [];
      const result = batch.map(() => new Array<number>(this.dimension).fill(0));
      filled.forEach((i, k) => {
        const v = vectors[k];
        if (!v || v.length !== this.dimension)
          throw new LuminaError(
            "embedder_bad_output",
            `${this.options.baseUrl} returned a ${v?.length ?? 0}-d vector; expected ${this.dimension}`,
          );
        result[i] = v;
      });
      out.push(...result);
    }
    return out;
  }

  async close(): Promise<void> {}
}

async function request(options: OpenAiEmbedderOptions, input: string[]): Promise<number[][]> {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/embeddings`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: options.model, input }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
  } catch (cause) {
    throw new RetryableError(
      "embedder_unavailable",
      `the embeddings API at ${url} cannot be reached: ${String(cause)}`,
      {
        cause,
      },
    );
  }
  if (!res.ok)
    throw new RetryableError(
      "embedder_unavailable",
      `the embeddings API at ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`,
    );
  const body = (await res.json()) as { data: { index: number; embedding: number[] }[] };
  return [...body.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
}
