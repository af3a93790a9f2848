export { HashingEmbedder } from "./hashing.ts";
export type { Embedder } from "./port.ts";
export { UseLiteEmbedder } from "./use-lite.ts";
export { EmbedderConfig, loadEmbedder } from "./config.ts";
