/**
 * `length` floats of `flat` from `start` as a plain array. A loop: `Array.from` walks a typed array
 * through its iterator, ten times slower and an object per float for the collector, on every vector
 * of every service.
 */
export function numbers(flat: ArrayLike<number>, start: number, length: number): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = flat[start + i] as number;
  return out;
}
