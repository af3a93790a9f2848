/**
 * Handlers throw; the consume loop decides. A `RetryableError` (or any unknown error) leaves the entry
 * pending so that it is delivered again after the reclaim idle time, up to MAX_DELIVERIES. A
 * `NonRetryableError` dead-letters the entry at once: retrying cannot help (bad URL, missing page…).
 */
export class LuminaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class RetryableError extends LuminaError {}

export class NonRetryableError extends LuminaError {}

/** `code: message` for logs and dead-letter reasons, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof LuminaError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `thrown: ${String(err)}`;
}
