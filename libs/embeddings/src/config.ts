import { join } from "node:path";
import { type Static, Type } from "@sinclair/typebox";

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
  EMBED_THREADS: Type.Union(
    [Type.Literal("auto"), Type.Literal("off"), Type.String({ pattern: "^[1-9][0-9]*$" })],
    {
      default: "auto",
      description:
        "worker threads for a CPU-bound embedder (USE-lite), shared by the services of a process, plus one kept for chat queries; auto: one per core; off: embed on the service's own thread",
    },
  ),
});

export type EmbedderSettings = Static<typeof EmbedderConfig> & { DATA_DIR: string };
