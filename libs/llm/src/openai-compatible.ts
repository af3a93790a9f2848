import {
  type ChatMessage,
  type GenerateRequest,
  type Generation,
  type Llm,
  LlmBusyError,
  LlmUnavailableError,
  type Priority,
} from "./port.ts";
import { SlotPool } from "./slot-pool.ts";

export interface OpenAiCompatibleOptions {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), https://api.openai.com/v1, or Lumina's own http://…:8000/v1 */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** What the server's model can attend to; used for the prompt budget. */
  contextSize: number;
  /** Requests sent at once; more wait here, chat first. */
  concurrency: number;
  maxQueue: number;
  /** A request expected to wait longer than this for its turn gets LlmBusyError at once (0: no limit). */
  maxWaitMs?: number;
  timeoutMs: number;
  /**
   * The server is a Lumina rag-worker: ask for raw completions (no retrieval) at the request's priority
   * through its `lumina` extension field. Leave it off for other servers, which may reject unknown fields.
   */
  lumina?: boolean;
}

interface StreamChunk {
  choices?: {
    delta?: { content?: string | null };
    finish_reason?: string | null;
    logprobs?: { content?: { logprob: number }[] | null } | null;
  }[];
}

/**
 * Any server with the OpenAI chat completions API (Ollama, llama-server, vLLM, OpenAI, DeepSeek, or
 * another Lumina). Always streams, asks for token log-probabilities (servers that do not give them
 * simply leave `meanLogprob` unset), and counts tokens by estimate (about 4 characters per token)
 * because the remote tokenizer is not available here.
 */
export class OpenAiCompatibleLlm implements Llm {
  readonly kind = "openai-compatible";
  readonly #pool: SlotPool<number>;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.#pool = new SlotPool(
      Array.from({ length: options.concurrency }, (_, i) => i),
      { maxQueue: options.maxQueue, maxWaitMs: options.maxWaitMs ?? 0 },
    );
  }

  get modelId(): string {
    return this.options.model;
  }

  get contextSize(): number {
    return this.options.contextSize;
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  checkCapacity(priority: Priority): void {
    const refused = this.#pool.refusal(priority);
    if (refused) throw refused;
  }

  /** The server applies its own chat template: about four tokens of it per message. */
  promptTokens(messages: ChatMessage[]): number {
    return messages.reduce((n, m) => n + this.countTokens(m.content) + 4, 0);
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const slot = await this.#pool.acquire(request.priority);
    try {
      return await this.#generate(request);
    } finally {
      this.#pool.release(slot);
    }
  }

  async #generate(request: GenerateRequest): Promise<Generation> {
    const response = await this.#post(request);
    if (!response) return { text: "", tokens: 0, finishReason: "abort" };
    const read = new StreamRead(request.onText);
    try {
      await read.from(response.body as ReadableStream<Uint8Array>);
    } catch (cause) {
      if (!request.signal?.aborted) throw cause;
      read.finishReason = "abort";
    }
    return read.generation();
  }

  /** The streaming request; undefined when the caller aborted it before an answer came. */
  async #post(request: GenerateRequest): Promise<Response | undefined> {
    const url = `${this.options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    const signals = [AbortSignal.timeout(this.options.timeoutMs)];
    if (request.signal) signals.push(request.signal);
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.options.model,
          messages: request.messages,
          max_tokens: request.maxTokens,
          temperature: request.temperature ?? 0,
          stream: true,
          logprobs: true,
          ...(this.options.lumina ? { lumina: { mode: "raw", priority: request.priority } } : {}),
        }),
        signal: AbortSignal.any(signals),
      });
    } catch (cause) {
      if (request.signal?.aborted) return undefined;
      throw new LlmUnavailableError(`the LLM at ${url} cannot be reached: ${String(cause)}`, { cause });
    }
    if (response.status === 429 || response.status === 503) {
      const retry = Number(response.headers.get("retry-after")) || 2;
      throw new LlmBusyError(0, retry);
    }
    if (!response.ok || !response.body) {
      const body = (await response.text().catch(() => "")).slice(0, 500);
      throw new LlmUnavailableError(`the LLM at ${url} answered ${response.status}: ${body}`);
    }
    return response;
  }

  async close(): Promise<void> {}
}

/** An OpenAI chat-completion event stream, read as it comes: text, token count, log-probabilities. */
class StreamRead {
  text = "";
  tokens = 0;
  logprobSum = 0;
  logprobCount = 0;
  finishReason: Generation["finishReason"] = "stop";

  constructor(private readonly onText?: (delta: string) => void) {}

  async from(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const bytes of body) {
      buffered += decoder.decode(bytes, { stream: true });
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const data = line.startsWith("data:") ? line.slice(5).trim() : "";
        if (data !== "" && data !== "[DONE]") this.#chunk(JSON.parse(data) as StreamChunk);
      }
    }
  }

  #chunk(chunk: StreamChunk): void {
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content ?? "";
    if (delta) {
      this.text += delta;
      this.tokens++;
      this.onText?.(delta);
    }
    for (const lp of choice?.logprobs?.content ?? []) {
      this.logprobSum += lp.logprob;
      this.logprobCount++;
    }
    if (choice?.finish_reason === "length") this.finishReason = "length";
  }

  generation(): Generation {
    return {
      text: this.text,
      tokens: this.logprobCount || this.tokens,
      ...(this.logprobCount > 0 ? { meanLogprob: this.logprobSum / this.logprobCount } : {}),
      finishReason: this.finishReason,
    };
  }
}
