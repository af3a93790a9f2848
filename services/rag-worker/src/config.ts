import { Port } from "@lumina/config";
import { EmbedderConfig } from "@lumina/embeddings";
import { MemoryStoreConfig } from "@lumina/memory";
import { PersonaConfig } from "@lumina/persona";
import { VectorStoreConfig } from "@lumina/vectors";
import { Type } from "@sinclair/typebox";

/** The rag-worker's own variables, on top of the base ones (libs/runtime). */
export const RagWorkerConfig = Type.Object({
  CHAT_PORT: Port(8000, "the chat API: /chat, /v1/*, /docs"),
  ...VectorStoreConfig.properties,
  ...EmbedderConfig.properties,
  ...MemoryStoreConfig.properties,
  ...PersonaConfig.properties,
  PROMPT_SHARES: Type.String({
    default: "20/25/35/20",
    pattern: "^\\d{1,2}/\\d{1,2}/\\d{1,2}/\\d{1,2}$",
    description:
      "a model's context window in percent: system and persona / retrieved context / history / response (summing to 100)",
  }),

  // Retrieval
  RETRIEVAL_TOP_K: Type.Integer({
    minimum: 1,
    maximum: 20,
    default: 5,
    description: "chunks given to the answerer",
  }),
  RETRIEVAL_CANDIDATES: Type.Integer({
    minimum: 1,
    maximum: 200,
    default: 30,
    description: "chunks taken from each of dense and BM25 search before fusion",
  }),
  CHUNKS_IN_MEMORY_MAX: Type.Integer({
    minimum: 0,
    default: 20_000,
    description:
      "LanceDB: the rag-worker holds the chunks (vectors, texts, a BM25 index) in memory while there are at most this many (3-6 KB each), so that a question waits for no LanceDB query; past it (where LanceDB builds its ANN index) or at 0, dense and BM25 search query LanceDB",
  }),
  FUSION: Type.Union([Type.Literal("rrf"), Type.Literal("score")], {
    default: "score",
    description:
      "score: normalised score fusion (best on the QA set, docs/benchmarks.md); rrf: reciprocal rank fusion",
  }),
  RERANK_CANDIDATES: Type.Integer({
    minimum: 0,
    maximum: 100,
    default: 20,
    description:
      "fused chunks the second stage re-orders by how their best sentences match the question (0: no second stage)",
  }),
  PAGERANK_WEIGHT: Type.Number({
    minimum: 0,
    maximum: 10,
    default: 0.1,
    description: "boost of a chunk by its article's PageRank (0 turns the prior off)",
  }),
  SUPPORT_FLOOR: Type.Number({
    minimum: -1,
    maximum: 1,
    default: 0.15,
    description: "dense similarity at or below which a chunk gives no support (confidence)",
  }),
  SUPPORT_CEILING: Type.Number({
    minimum: -1,
    maximum: 1,
    default: 0.55,
    description: "dense similarity at or above which a chunk gives full support (confidence)",
  }),
  MODULES_DIR: Type.String({
    default: "modules",
    description: "plugins: one folder per plugin with a manifest.yml (docs/plugins.md); empty: no plugins",
  }),
  CHAT_QUIET_MS: Type.Integer({
    minimum: 0,
    default: 1_000,
    description:
      "reflection and compression wait while a chat request was served within this many ms (0: they never wait)",
  }),
  LOW_CONFIDENCE: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.4,
    description: "answers below this confidence publish gap:req for the question's topics",
  }),

  // Memory
  HISTORY_TURNS: Type.Integer({
    minimum: 0,
    default: 6,
    description: "recent turns per session kept in Redis",
  }),
  HISTORY_SUMMARY_TURNS: Type.Integer({
    minimum: 0,
    default: 10,
    description:
      "every this many turns (20 messages) a session's turns are folded into its rolling summary, written by the model when there is one; 0: none",
  }),
  RECALL_TOP_K: Type.Integer({ minimum: 0, default: 3, description: "older turns recalled from chat_long" }),
  RECALL_MAX_DAYS: Type.Number({
    exclusiveMinimum: 0,
    default: 30,
    description: "recall only turns younger than this",
  }),
  TRAIN_MIN_CONF: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.5,
    description: "turns below this confidence are published on qa:turn for the trainer",
  }),

  // The language model
  LLM_MODEL_PATH: Type.Optional(
    Type.String({
      description:
        "a GGUF file run in process; unset: DATA_DIR/models/phi-2.Q4_K_M.gguf if present, else none",
    }),
  ),
  LLM_PROMPT_FORMAT: Type.Union([Type.Literal("phi2"), Type.Literal("chatml"), Type.Literal("plain")], {
    default: "phi2",
    description: "the chat format the GGUF model was trained on",
  }),
  LLM_CONTEXT: Type.Integer({
    minimum: 128,
    default: 2048,
    description: "context size in tokens (prompt + answer)",
  }),
  LLM_SEQUENCES: Type.Integer({
    minimum: 1,
    maximum: 16,
    default: 2,
    description: "requests generated at once",
  }),
  LLM_THREADS: Type.Integer({
    minimum: 0,
    default: 0,
    description: "CPU threads for the in-process model; 0: the cores less one (at least 1)",
  }),
  LLM_QUEUE_MAX: Type.Integer({
    minimum: 0,
    default: 16,
    description: "requests waiting for the model before 503 + Retry-After",
  }),
  LLM_MAX_WAIT_S: Type.Number({
    minimum: 0,
    default: 30,
    description:
      "a request expected to wait longer for the model (queue × recent generation time) gets 503 + Retry-After at once; 0: no limit",
  }),
  LLM_BASE_URL: Type.Optional(
    Type.String({ description: "an OpenAI-compatible endpoint (…/v1) used instead of a GGUF file" }),
  ),
  LLM_API_KEY: Type.Optional(Type.String({ description: "Bearer key for LLM_BASE_URL" })),
  LLM_MODEL: Type.String({ default: "phi-2", description: "the model name sent to LLM_BASE_URL" }),
  LLM_TIMEOUT_S: Type.Number({
    exclusiveMinimum: 0,
    default: 120,
    description: "give up on a remote generation after",
  }),

  // The HTTP API
  MAX_TOKENS: Type.Integer({
    minimum: 1,
    default: 256,
    description: "answer length when a request gives none",
  }),
  MAX_TOKENS_LIMIT: Type.Integer({
    minimum: 1,
    default: 1024,
    description: "largest max_tokens a request may ask for",
  }),
  MAX_BODY_BYTES: Type.Integer({
    minimum: 1024,
    default: 65_536,
    description: "larger request bodies get 413",
  }),
  RATE_LIMIT_PER_MIN: Type.Integer({
    minimum: 0,
    default: 120,
    description: "requests per minute per client on the API (0: no limit); over it: 429 + Retry-After",
  }),
  RATE_LIMIT_LOOPBACK: Type.Union([Type.Literal("false"), Type.Literal("true")], {
    default: "false",
    description:
      "true: the rate limit applies to loopback clients (127.0.0.0/8, ::1) too; false: only to other addresses",
  }),
  LUMINA_API_KEY: Type.Optional(
    Type.String({ description: "when set, /chat, /v1/* and /chunks need Authorization: Bearer <key>" }),
  ),
  CORS_ORIGINS: Type.String({
    default: "",
    description:
      "browser origins allowed to call the API (comma-separated); empty: the live graph page, http://localhost:WS_PORT and http://127.0.0.1:WS_PORT",
  }),
  // The ws-bridge's variable (same description, so that a bad value is reported once): the live
  // page's origin, which the API allows by default.
  WS_PORT: Port(7210, "WebSocket /stream and the live graph page"),
});
