import { LuminaError, NonRetryableError, RetryableError } from "@lumina/errors";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** chat: a person is waiting (served first); background: scratch-vm reflections and other batch work. */
export type Priority = "chat" | "background";

export interface GenerateRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** 0 (the default) is greedy decoding: the same prompt gives the same text. */
  temperature?: number;
  priority: Priority;
  signal?: AbortSignal;
  /** Called with each new piece of text as it is generated (never with text past a stop string). */
  onText?: (delta: string) => void;
}

export interface Generation {
  text: string;
  /** Tokens generated. */
  tokens: number;
  /**
   * Mean natural-log probability of the generated tokens, when the model reports them (≤ 0; 0 means the
   * model was certain of every token). Absent when the backend gives no probabilities.
   */
  meanLogprob?: number;
  finishReason: "stop" | "length" | "abort";
}

/** A LoRA adapter file and the version the trainer gave it. */
export interface AdapterInfo {
  version: number;
  path: string;
}

/**
 * A language model. Adapters: node-llama-cpp in process (a GGUF file) and any OpenAI-compatible
 * endpoint. Contract: `generate` resolves with the whole text, also streamed through `onText` in order;
 * requests with priority "chat" are started before waiting "background" ones; when the wait queue is
 * full it throws LlmBusyError at once instead of queueing without bound. A backend that runs the model
 * itself may also stop a running "background" generation when a chat request is waiting for its slot
 * (LlmBusyError: retry later), so that a person never waits for batch work.
 */
export interface Llm {
  readonly kind: string;
  /** What the OpenAI-compatible API reports as the model (file name or remote model name). */
  readonly modelId: string;
  /** Tokens the model can attend to: prompt plus answer. */
  readonly contextSize: number;
  /** Tokens `text` takes with this model's tokenizer (an estimate when the backend has no tokenizer). */
  countTokens(text: string): number;
  /**
   * Throws the LlmBusyError a request of `priority` would get if it asked now (queue full, or the wait
   * too long), so that a caller can refuse before doing its own work (retrieval) for nothing.
   */
  checkCapacity(priority: Priority): void;
  /** Tokens the prompt for `messages` takes as this backend renders it (format included; an estimate remotely). */
  promptTokens(messages: ChatMessage[]): number;
  generate(request: GenerateRequest): Promise<Generation>;
  /** The LoRA adapter requests are served with; undefined: the base model. */
  readonly adapter?: AdapterInfo | undefined;
  /**
   * Present only on backends that can apply LoRA adapters. Loads `adapter` beside the current one, moves
   * new requests to it, lets requests already running finish on the old one, then frees it. When the
   * adapter cannot be loaded it throws and the old adapter stays in use.
   */
  useAdapter?(adapter: AdapterInfo): Promise<void>;
  close(): Promise<void>;
}

/** Every generation slot is busy and the wait queue is full: try again shortly (HTTP 503). */
export class LlmBusyError extends RetryableError {
  constructor(
    readonly queued: number,
    readonly retryAfterSeconds = 2,
  ) {
    super("llm_busy", `the model is busy (${queued} requests waiting); retry in ${retryAfterSeconds} s`, {
      status: 503,
      headers: { "retry-after": String(retryAfterSeconds) },
    });
  }
}

/** The model could not be loaded or reached; the message says what to do. */
export class LlmUnavailableError extends LuminaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("llm_unavailable", message, { status: 503, cause: options?.cause });
  }
}

/** The prompt alone fills the model's context: shorten it (HTTP 400 context_length_exceeded). */
export class PromptTooLongError extends NonRetryableError {
  constructor(
    readonly promptTokens: number,
    readonly contextSize: number,
  ) {
    super(
      "context_length_exceeded",
      `the prompt takes ${promptTokens} tokens; the model's context holds ${contextSize}`,
      { status: 400 },
    );
  }
}
