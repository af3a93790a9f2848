export {
  describeError,
  LuminaError,
  type LuminaErrorOptions,
  messageOf,
  NonRetryableError,
  RetryableError,
} from "./lumina-error.ts";
