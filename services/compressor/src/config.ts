import { EmbedderConfig } from "@lumina/embeddings";
import { VectorStoreConfig } from "@lumina/vectors";
import { Type } from "@sinclair/typebox";

/** The compressor's own variables, on top of the base ones (libs/runtime). */
export const CompressorConfig = Type.Object({
  ...VectorStoreConfig.properties,
  ...EmbedderConfig.properties,
  PAD_SAFETY_S: Type.Number({
    minimum: 0,
    default: 30,
    description: "fold a pad this long before it expires, finished or not (keep well below PAD_TTL)",
  }),
  COMPRESS_YIELD_MS: Type.Integer({
    minimum: 0,
    default: 5_000,
    description: "before folding a finished pad, wait at most this long while people are chatting",
  }),
  COMPRESS_SWEEP_MS: Type.Integer({
    minimum: 10,
    default: 1_000,
    description: "how often pads close to their deadline are looked for",
  }),
});
