import * as core from "@energetic-ai/core";
import type { initModel } from "@energetic-ai/embeddings";
import { UseLiteTokenizer, type Vocabulary } from "./use-lite-tokenizer.ts";

type Model = Awaited<ReturnType<typeof initModel>>;

// @energetic-ai/core bundles TensorFlow.js without its type declarations: the little used here.
interface Tensor {
  readonly shape: number[];
  dataSync(): Float32Array | Int32Array;
  dispose(): void;
}
interface Graph {
  readonly weights: Record<string, Tensor[] | undefined>;
  execute(inputs: Record<string, Tensor>): Tensor;
}
const tf = core as unknown as {
  tidy<T>(fn: () => T): T;
  tensor1d(values: number[], dtype: "int32"): Tensor;
  tensor2d(values: number[], shape: [number, number], dtype: "int32"): Tensor;
};

const SCOPE = "module_apply_default/Encoder_en/KonaTransformer/";
/**
 * The nodes of USE-lite's graph that Lumina computes itself: those right after its two `Where` ops.
 * `Where`'s output shape depends on the data, which forces TensorFlow.js onto its asynchronous graph
 * executor (`executeAsync`, a promise per node); fed these nodes, the graph needs neither `Where`.
 * Both are plain bookkeeping of token positions:
 */
const NODES = {
  /** ClipToMaxLength: which entries of the sparse input lie within the first MAX_TOKENS positions. */
  kept: `${SCOPE}ClipToMaxLength/Reshape`,
  /** StoreMask: (row, position) of every kept token, row-major… */
  coordinates: `${SCOPE}Encode/TransformerStack/Layer_1/TransformerLayer/FFN/StoreMask/ToInt32`,
  /** …and the positions alone. */
  positions: `${SCOPE}Encode/TransformerStack/Layer_0/AddTimingSignal/strided_slice_2`,
  maxTokens: `${SCOPE}ClipToMaxLength/Less/y`,
};

/** Texts the synchronous path must embed exactly as the library does before it is used. */
const PROBES = [
  "Where is Bodmin?",
  "Bodmin is a town in Cornwall, England. ".repeat(30), // past the token limit
  "zzqx ŧŋ Ω unknownwords 12345",
  "Runs of unknowns 😀😀 𝔘𝔫𝔦 ﬁ Ⅻ and  double  spaces",
];

/**
 * USE-lite run synchronously: the `Where` outputs are fed as inputs, computed from the token ids, so
 * TensorFlow.js can use its compiled synchronous executor (`execute`). A 15-token question: 6.6 ms
 * instead of 8.0 on the development machine. Relies on node names inside the shipped model, so
 * `verified()` checks the path against the library's own on probe texts and is undefined on any
 * difference (the embedder then uses the library's path). Texts are tokenized by Lumina's own
 * UseLiteTokenizer (same ids, a thirtieth of the time and next to no garbage) when the library's
 * tokenizer exposes its vocabulary, else by the library's.
 */
export class UseLiteGraph {
  private readonly encode: (text: string) => number[];

  private constructor(
    private readonly model: Model,
    private readonly maxTokens: number,
  ) {
    const { vocabulary } = model.tokenizer as unknown as { vocabulary?: Vocabulary };
    const tokenizer = Array.isArray(vocabulary) ? new UseLiteTokenizer(vocabulary) : undefined;
    this.encode = tokenizer ? (t) => tokenizer.encode(t) : (t) => model.tokenizer.encode(t);
  }

  static async verified(model: Model): Promise<UseLiteGraph | undefined> {
    try {
      const weight = (model.model as unknown as Graph).weights[NODES.maxTokens]?.[0];
      if (!weight) return undefined;
      const graph = new UseLiteGraph(model, (weight.dataSync() as Int32Array)[0] as number);
      const expected = await model.embed(PROBES);
      const actual = graph.embed(PROBES);
      const same = expected.every((v, i) => v.every((x, j) => Math.abs(x - (actual[i]?.[j] ?? NaN)) < 1e-6));
      return same ? graph : undefined;
    } catch {
      return undefined;
    }
  }

  embed(texts: string[]): Float32Array[] {
    const ids = texts.map(this.encode);
    const sparse: number[] = []; // (row, position) of every token
    const values: number[] = [];
    const kept: number[] = [];
    const coordinates: number[] = [];
    const positions: number[] = [];
    ids.forEach((row, r) => {
      row.forEach((id, p) => {
        if (p < this.maxTokens) {
          kept.push(values.length);
          coordinates.push(r, p);
          positions.push(p);
        }
        sparse.push(r, p);
        values.push(id);
      });
    });
    const output = tf.tidy(() => {
      const inputs = {
        indices: tf.tensor2d(sparse, [values.length, 2], "int32"),
        values: tf.tensor1d(values, "int32"),
        [NODES.kept]: tf.tensor1d(kept, "int32"),
        [NODES.coordinates]: tf.tensor2d(coordinates, [positions.length, 2], "int32"),
        [NODES.positions]: tf.tensor1d(positions, "int32"),
      };
      return (this.model.model as unknown as Graph).execute(inputs);
    });
    const flat = output.dataSync() as Float32Array;
    const width = output.shape[1] as number;
    output.dispose();
    return texts.map((_, i) => flat.subarray(i * width, (i + 1) * width));
  }
}
