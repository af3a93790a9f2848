import { access } from "node:fs/promises";
import { basename } from "node:path";
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { getLlama } from "node-llama-cpp";
import { type GenerateRequest, type Generation, type Llm, LlmUnavailableError } from "./port.ts";
import { applyStops, PROMPT_FORMATS, type PromptFormatName } from "./prompt-format.ts";
import { SlotPool } from "./slot-pool.ts";

export interface NodeLlamaCppOptions {
  modelPath: string;
  /** Prompt plus answer, in tokens; capped at what the model was trained on. */
  contextSize: number;
  /** Requests generated at once (context sequences sharing one context). */
  sequences: number;
  /** CPU threads per evaluation. On small machines 1–2 is much faster than the library default. */
  threads: number;
  format: PromptFormatName;
  /** Requests allowed to wait for a sequence before LlmBusyError. */
  maxQueue: number;
}

/**
 * A GGUF model run in this process by node-llama-cpp (llama.cpp), on the CPU with prebuilt binaries
 * (never compiled at run time). One context holds `sequences` sequences; each request takes one for its
 * whole generation, chat requests first. Token probabilities come from the sampler, so every generation
 * carries its mean log-probability.
 */
export class NodeLlamaCppLlm implements Llm {
  readonly kind = "node-llama-cpp";
  readonly modelId: string;
  readonly #pool: SlotPool<LlamaContextSequence>;

  private constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly options: NodeLlamaCppOptions,
  ) {
    this.modelId = basename(options.modelPath).replace(/\.gguf$/i, "");
    const sequences = Array.from({ length: options.sequences }, () => context.getSequence());
    this.#pool = new SlotPool(sequences, options.maxQueue);
  }

  static async load(options: NodeLlamaCppOptions): Promise<NodeLlamaCppLlm> {
    await access(options.modelPath).catch((cause: unknown) => {
      throw new LlmUnavailableError(
        `LLM_MODEL_PATH ${options.modelPath} cannot be read: download a model with \`lumina models pull\`, ` +
          "point LLM_MODEL_PATH at a GGUF file, or unset it to use the extractive answerer",
        { cause },
      );
    });
    const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const contextSize = Math.min(options.contextSize, model.trainContextSize);
    const context = await model.createContext({
      contextSize,
      sequences: options.sequences,
      threads: options.threads,
    });
    return new NodeLlamaCppLlm(model, context, { ...options, contextSize });
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const format = PROMPT_FORMATS[this.options.format];
    const prompt = this.model.tokenize(format.render(request.messages), false);
    const room = this.contextSize - prompt.length;
    if (room <= 0)
      throw new RangeError(`the prompt takes ${prompt.length} tokens; the context holds ${this.contextSize}`);
    const maxTokens = Math.min(request.maxTokens, room);

    const sequence = await this.#pool.acquire(request.priority);
    try {
      await sequence.clearHistory();
      const generated: Token[] = [];
      let logprobSum = 0;
      let streamed = 0;
      let text = "";
      let finishReason: Generation["finishReason"] = "length";
      const tokens = sequence.evaluateWithMetadata(
        prompt,
        { confidence: true },
        { temperature: request.temperature ?? 0 },
      );
      for await (const { token, confidence } of tokens) {
        if (request.signal?.aborted) {
          finishReason = "abort";
          break;
        }
        if (this.model.isEogToken(token)) {
          finishReason = "stop";
          break;
        }
        generated.push(token);
        logprobSum += Math.log(Math.max(confidence, 1e-12));
        const cut = applyStops(this.model.detokenize(generated), format.stops);
        text = cut.text;
        if (cut.safe > streamed) {
          request.onText?.(text.slice(streamed, cut.safe));
          streamed = cut.safe;
        }
        if (cut.stopped) {
          finishReason = "stop";
          break;
        }
        if (generated.length >= maxTokens) break;
      }
      if (text.length > streamed) request.onText?.(text.slice(streamed));
      return {
        text,
        tokens: generated.length,
        ...(generated.length > 0 ? { meanLogprob: logprobSum / generated.length } : {}),
        finishReason,
      };
    } finally {
      this.#pool.release(sequence);
    }
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}
