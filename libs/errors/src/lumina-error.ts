export interface LuminaErrorOptions {
  /** The HTTP status when this error reaches a client. Absent: the API answers 500 `internal`. */
  status?: number;
  /** Whether doing the same again can succeed (a busy model, a wiki that rate-limits). */
  retryable?: boolean;
  /** HTTP headers sent with the error, e.g. `retry-after`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * Every error Lumina throws on purpose. `code` is stable (snake_case, documented in docs/errors.md):
 * logs, dead letters, exit codes and HTTP answers are keyed by it, never by the class or the message.
 */
export class LuminaError extends Error {
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: string,
    message: string,
    options: LuminaErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.headers = options.headers ?? {};
  }
}

/**
 * Worth trying again: a stream consumer leaves the entry pending so that it is delivered again after
 * the reclaim idle time, up to MAX_DELIVERIES. Unknown errors are treated the same way.
 */
export class RetryableError extends LuminaError {
  constructor(code: string, message: string, options: Omit<LuminaErrorOptions, "retryable"> = {}) {
    super(code, message, { ...options, retryable: true });
  }
}

/** Retrying cannot help (a bad URL, a missing page): a consumer dead-letters the entry at once. */
export class NonRetryableError extends LuminaError {
  constructor(code: string, message: string, options: Omit<LuminaErrorOptions, "retryable"> = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** `code: message` for logs and dead-letter reasons, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof LuminaError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `thrown: ${String(err)}`;
}

/** The message alone, whatever was thrown (for a sentence that names the cause). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
