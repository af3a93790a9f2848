import { createHash, timingSafeEqual } from "node:crypto";

/** Compares a presented key with the expected one in constant time (SHA-256 digests have equal length whatever the inputs). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
