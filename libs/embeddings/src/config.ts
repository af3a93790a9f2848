import { access } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type Static, Type } from "@sinclair/typebox";
import { GgufEmbedder } from "./gguf.ts";
import { HashingEmbedder } from "./hashing.ts";
import { OpenAiEmbedder } from "./openai-compatible.ts";
import type { Embedder } from "./port.ts";
import { UseLiteEmbedder } from "./use-lite.ts";
import { LuminaError } from "@lumina/errors";

/** Where `lumina models pull` puts the GGUF embedding model, used by EMBEDDER=auto when present. */
export const DEFAULT_EMBED_MODEL_FILE = join("models", "bge-small-en-v1.5-q8_0.gguf");

/** The variables that choose the embedder; the indexer and every reader of its vectors must agree. */
export const EmbedderConfig = Type.Object({
  EMBEDDER: Type.Union(
    [
      Type.Literal("auto"),
      Type.Literal("gguf"),
      Type.Literal("openai"),
      Type.Literal("use-lite"),
      Type.Literal("hashing"),
    ],
    {
      default: "auto",
      description:
        "auto: a GGUF model at EMBED_MODEL_PATH (or DATA_DIR/models) when present, else USE-lite; gguf; openai (EMBED_BASE_URL); use-lite; hashing (benchmarks)",
    },
  ),
  EMBED_MODEL_PATH: Type.Optional(
    Type.String({
      description: "a GGUF embedding model; unset: DATA_DIR/models/bge-small-en-v1.5-q8_0.gguf",
    }),
  ),
  EMBED_BASE_URL: Type.Optional(Type.String({ description: "an OpenAI-compatible /v1 for EMBEDDER=openai" })),
  EMBED_API_KEY: Type.Optional(Type.String({ description: "Bearer key for EMBED_BASE_URL" })),
  EMBED_MODEL: Type.String({
    default: "bge-small-en-v1.5",
    description: "model name sent to EMBED_BASE_URL",
  }),
});

/** Loads the configured embedder; the caller closes it. */
export async function loadEmbedder(
  config: Static<typeof EmbedderConfig> & { DATA_DIR: string },
): Promise<Embedder> {
  const gguf = (modelPath: string) =>
    GgufEmbedder.load({ modelPath, threads: Math.max(1, availableParallelism() - 1) });
  switch (config.EMBEDDER) {
    case "hashing":
      return new HashingEmbedder(256);
    case "use-lite":
      return UseLiteEmbedder.load();
    case "gguf":
      return gguf(config.EMBED_MODEL_PATH || join(config.DATA_DIR, DEFAULT_EMBED_MODEL_FILE));
    case "openai":
      if (!config.EMBED_BASE_URL)
        throw new LuminaError(
          "config_invalid",
          "EMBEDDER=openai needs EMBED_BASE_URL (an OpenAI-compatible …/v1)",
        );
      return OpenAiEmbedder.connect({
        baseUrl: config.EMBED_BASE_URL,
        model: config.EMBED_MODEL,
        ...(config.EMBED_API_KEY ? { apiKey: config.EMBED_API_KEY } : {}),
      });
    case "auto": {
      const path = config.EMBED_MODEL_PATH || join(config.DATA_DIR, DEFAULT_EMBED_MODEL_FILE);
      const present = await access(path).then(
        () => true,
        () => false,
      );
      return present ? gguf(path) : UseLiteEmbedder.load();
    }
  }
}
