import { Type } from "@sinclair/typebox";

/** The scratch-vm's own variables, on top of the base ones (libs/runtime). */
export const ScratchVmConfig = Type.Object({
  THINK_ROUNDS: Type.Integer({
    minimum: 1,
    maximum: 20,
    default: 3,
    description: "reflection notes written per new article",
  }),
  PAD_TTL: Type.Integer({
    minimum: 1,
    default: 300,
    description: "seconds a scratchpad lives in Redis; the compressor folds it before then",
  }),
  THINK_YIELD_MS: Type.Integer({
    minimum: 0,
    default: 5_000,
    description:
      "before each note, wait at most this long while people are chatting (rag-worker's CHAT_QUIET_MS)",
  }),
  THINK_LLM_BASE_URL: Type.String({
    default: "",
    description:
      "OpenAI-compatible endpoint for reflections, e.g. Lumina's own http://127.0.0.1:8000/v1; empty: extractive notes",
  }),
  THINK_LLM_API: Type.Union([Type.Literal("lumina"), Type.Literal("openai")], {
    default: "lumina",
    description:
      "lumina: THINK_LLM_BASE_URL is a Lumina rag-worker, asked for raw completions at background priority; openai: any other server",
  }),
  THINK_LLM_API_KEY: Type.String({ default: "", description: "Bearer key for THINK_LLM_BASE_URL" }),
  THINK_LLM_MODEL: Type.String({ default: "lumina", description: "model name sent to THINK_LLM_BASE_URL" }),
  THINK_MAX_TOKENS: Type.Integer({
    minimum: 16,
    maximum: 1024,
    default: 160,
    description: "tokens per note",
  }),
  THINK_PROMPT_CHARS: Type.Integer({
    minimum: 200,
    default: 4_000,
    description: "article, neighbours and earlier notes given to the model, in characters at most",
  }),
  THINK_NEIGHBOURS: Type.Integer({
    minimum: 0,
    maximum: 50,
    default: 5,
    description: "read graph neighbours given as context to each reflection",
  }),
});
