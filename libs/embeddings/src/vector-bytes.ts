/**
 * A vector as bytes for Redis (float32 in the platform's order, little-endian on every machine Lumina
 * runs on), and back. For a vector one service embedded and another reuses.
 */
export const vectorToBytes = (vector: ArrayLike<number>): Buffer =>
  Buffer.from(Float32Array.from(vector).buffer);

/** The vector in `bytes`, or undefined when they do not hold `dimension` floats. A copy (aligned). */
export function vectorFromBytes(
  bytes: Uint8Array | null | undefined,
  dimension: number,
): Float32Array | undefined {
  if (!bytes || bytes.length !== dimension * 4) return undefined;
  const vector = new Float32Array(dimension);
  new Uint8Array(vector.buffer).set(bytes);
  return vector;
}
