import { access } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { LuminaError } from "@lumina/errors";
import { DEFAULT_EMBED_MODEL_FILE, type EmbedderSettings } from "./config.ts";
import { GgufEmbedder } from "./gguf.ts";
import { HashingEmbedder } from "./hashing.ts";
import { OpenAiEmbedder } from "./openai-compatible.ts";
import type { Embedder } from "./port.ts";
import { UseLiteEmbedder } from "./use-lite.ts";

export type EmbedderKind = "gguf" | "openai" | "use-lite" | "hashing";

const modelPath = (config: EmbedderSettings) =>
  config.EMBED_MODEL_PATH || join(config.DATA_DIR, DEFAULT_EMBED_MODEL_FILE);

/** What EMBEDDER names, with `auto` decided: a GGUF model when its file is there, else USE-lite. */
export async function embedderKind(config: EmbedderSettings): Promise<EmbedderKind> {
  if (config.EMBEDDER !== "auto") return config.EMBEDDER;
  const present = await access(modelPath(config)).then(
    () => true,
    () => false,
  );
  return present ? "gguf" : "use-lite";
}

/** Loads the configured embedder on the calling thread; the caller closes it. */
export async function loadInThread(config: EmbedderSettings): Promise<Embedder> {
  switch (await embedderKind(config)) {
    case "hashing":
      return new HashingEmbedder(256);
    case "use-lite":
      return UseLiteEmbedder.load();
    case "gguf":
      return GgufEmbedder.load({
        modelPath: modelPath(config),
        threads: Math.max(1, availableParallelism() - 1),
      });
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
  }
}
