/**
 * Turns texts into vectors. Contract: `embed` returns one vector of `dimension` numbers per text, in
 * order; the same text and model give the same vector; `modelId` names the model (and its version) so
 * that collections never mix vectors of two models.
 */
export interface Embedder {
  readonly modelId: string;
  readonly dimension: number;
  /** True for a stand-in that is not a semantic model (say so in /readyz). */
  readonly fallback: boolean;
  embed(texts: string[]): Promise<number[][]>;
  close(): Promise<void>;
}
