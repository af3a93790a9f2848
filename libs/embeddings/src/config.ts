import { type Static, Type } from "@sinclair/typebox";
import { HashingEmbedder } from "./hashing.ts";
import type { Embedder } from "./port.ts";
import { UseLiteEmbedder } from "./use-lite.ts";

/** The variable that chooses the embedder; the indexer and every reader of its vectors must agree. */
export const EmbedderConfig = Type.Object({
  EMBEDDER: Type.Union([Type.Literal("auto"), Type.Literal("use-lite"), Type.Literal("hashing")], {
    default: "auto",
    description:
      "auto: the npm-shipped USE-lite model (GGUF embedders arrive with the LLM work); hashing: lexical stand-in for benchmarks",
  }),
});

/** Loads the configured embedder; the caller closes it. */
export async function loadEmbedder(config: Static<typeof EmbedderConfig>): Promise<Embedder> {
  return config.EMBEDDER === "hashing" ? new HashingEmbedder(256) : UseLiteEmbedder.load();
}
