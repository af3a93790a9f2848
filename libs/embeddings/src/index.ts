export { DEFAULT_EMBED_MODEL_FILE, EmbedderConfig, loadEmbedder } from "./config.ts";
export { GgufEmbedder } from "./gguf.ts";
export { fnv1a, HashingEmbedder } from "./hashing.ts";
export { OpenAiEmbedder, type OpenAiEmbedderOptions } from "./openai-compatible.ts";
export type { Embedder } from "./port.ts";
export { UseLiteEmbedder } from "./use-lite.ts";
