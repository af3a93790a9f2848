import { join } from "node:path";

/** The chat model `lumina models pull` fetches (Phi-2, Q4_K_M), under DATA_DIR/models. */
export const DEFAULT_LLM_FILE = "phi-2.Q4_K_M.gguf";

/** Where the rag-worker looks for a model when LLM_MODEL_PATH is unset, and the trainer's base model. */
export const defaultLlmPath = (dataDir: string): string => join(dataDir, "models", DEFAULT_LLM_FILE);
