import { access } from "node:fs/promises";
import { basename } from "node:path";
import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import { getLlama } from "node-llama-cpp";
import { LiveContext } from "./live-context.ts";
import {
  type AdapterInfo,
  type ChatMessage,
  type GenerateRequest,
  type Generation,
  type Llm,
  LlmBusyError,
  LlmUnavailableError,
  type Priority,
  PromptTooLongError,
} from "./port.ts";
import { applyStops, PROMPT_FORMATS, type PromptFormatName } from "./prompt-format.ts";
import type { SlotPoolLimits } from "./slot-pool.ts";

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
  /** A request expected to wait longer than this for a sequence gets LlmBusyError at once (0: no limit). */
  maxWaitMs?: number;
  /**
   * Background requests are refused (LlmBusyError, retry later) until this many ms after the last chat
   * generation, so that batch work never starts in the short gaps of a conversation (default 0).
   */
  backgroundQuietMs?: number;
  /** People are chatting (ChatActivity): background requests are refused meanwhile. */
  chatActivity?: { readonly busy: boolean };
}

/**
 * A GGUF model run in this process by node-llama-cpp (llama.cpp), on the CPU with prebuilt binaries
 * (never compiled at run time). One context holds `sequences` sequences; each request takes one for its
 * whole generation, chat requests first; a background generation stops (LlmBusyError) as soon as a
 * chat request waits for its sequence. Token probabilities come from the sampler, so every generation
 * carries its mean log-probability.
 */
export class NodeLlamaCppLlm implements Llm {
  readonly kind = "node-llama-cpp";
  readonly modelId: string;
  #live: LiveContext;
  #lastChatAt = 0;
  /** Adapter swaps, one at a time. */
  #swapping: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly model: LlamaModel,
    context: LlamaContext,
    private readonly options: NodeLlamaCppOptions,
  ) {
    this.modelId = basename(options.modelPath).replace(/\.gguf$/i, "");
    this.#live = new LiveContext(context, undefined, options.sequences, limitsOf(options));
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
    return this.#live.context.contextSize;
  }

  get adapter(): AdapterInfo | undefined {
    return this.#live.adapter;
  }

  /**
   * Hot swap: a fresh context with the LoRA adapter takes new requests at once; the old context serves
   * the requests it already has, then is disposed. A file that cannot be read or loaded throws
   * LlmUnavailableError and changes nothing.
   */
  useAdapter(adapter: AdapterInfo): Promise<void> {
    const swap = this.#swapping.then(async () => {
      await access(adapter.path).catch((cause: unknown) => {
        throw new LlmUnavailableError(`LoRA adapter ${adapter.path} cannot be read`, { cause });
      });
      const context = await this.model
        .createContext({
          contextSize: this.contextSize,
          sequences: this.options.sequences,
          threads: this.options.threads,
          lora: { adapters: [{ filePath: adapter.path }] },
        })
        .catch((cause: unknown) => {
          throw new LlmUnavailableError(
            `LoRA adapter ${adapter.path} cannot be loaded onto ${this.modelId}: ${String(cause)}`,
            { cause },
          );
        });
      const old = this.#live;
      this.#live = new LiveContext(context, adapter, this.options.sequences, limitsOf(this.options));
      await old.drainAndDispose();
    });
    this.#swapping = swap.catch(() => undefined);
    return swap;
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  checkCapacity(priority: Priority): void {
    const refused = this.#live.refusal(priority);
    if (refused) throw refused;
  }

  promptTokens(messages: ChatMessage[]): number {
    return this.#tokenizePrompt(messages).length;
  }

  #tokenizePrompt(messages: ChatMessage[]): Token[] {
    return this.model.tokenize(PROMPT_FORMATS[this.options.format].render(messages), false);
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const format = PROMPT_FORMATS[this.options.format];
    const prompt = this.#tokenizePrompt(request.messages);
    const room = this.contextSize - prompt.length;
    if (room <= 0) throw new PromptTooLongError(prompt.length, this.contextSize);
    const maxTokens = Math.min(request.maxTokens, room);

    const chat = request.priority === "chat";
    const quietMs = this.options.backgroundQuietMs ?? 0;
    if (!chat && (Date.now() - this.#lastChatAt < quietMs || this.options.chatActivity?.busy))
      throw new LlmBusyError(0, Math.max(1, Math.ceil(quietMs / 1000)));
    if (chat) this.#lastChatAt = Date.now();
    const live = this.#live;
    return live.use(request.priority, async (sequence) => {
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
        // Background work gives its sequence up to a waiting chat request, and is retried later.
        if (request.priority === "background" && live.chatWaiting) throw new LlmBusyError(0, 2);
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
      if (chat) this.#lastChatAt = Date.now();
      return {
        text,
        tokens: generated.length,
        ...(generated.length > 0 ? { meanLogprob: logprobSum / generated.length } : {}),
        finishReason,
      };
    });
  }

  async close(): Promise<void> {
    await this.#swapping;
    await this.#live.drainAndDispose();
    await this.model.dispose();
  }
}

const limitsOf = (o: NodeLlamaCppOptions): SlotPoolLimits => ({
  maxQueue: o.maxQueue,
  maxWaitMs: o.maxWaitMs ?? 0,
});
