import { Port } from "@lumina/config";
import { EmbedderConfig } from "@lumina/embeddings";
import { MemoryStoreConfig } from "@lumina/memory";
import { PersonaConfig } from "@lumina/persona";
import { VectorStoreConfig } from "@lumina/vectors";
import { Type } from "@sinclair/typebox";

/** The memory service's own variables, on top of the base ones (libs/runtime). */
export const MemoryConfig = Type.Object({
  MEMORY_PORT: Port(8001, "the memory API: mem0-compatible /v1/*, /v3/* and /v1/users/:id/*"),
  ...MemoryStoreConfig.properties,
  ...VectorStoreConfig.properties,
  ...EmbedderConfig.properties,
  ...PersonaConfig.properties,
  MEMORY_IMPORT_MAX_BYTES: Type.Integer({
    minimum: 1024,
    default: 50_000_000,
    description: "largest snapshot accepted by POST /v1/users/:id/import (larger: 413)",
  }),
  MEMORY_BODY_MAX_BYTES: Type.Integer({
    minimum: 1024,
    default: 262_144,
    description: "largest request body on the memory API other than imports (larger: 413)",
  }),
  MEMORY_LLM_BASE_URL: Type.String({
    default: "",
    description:
      "an OpenAI-compatible server (…/v1) that draws facts and episodes from messages as JSON under a JSON schema; empty: the rules",
  }),
  MEMORY_LLM_MODEL: Type.String({
    default: "phi-2",
    description: "the model name sent to MEMORY_LLM_BASE_URL",
  }),
  MEMORY_LLM_API_KEY: Type.String({ default: "", description: "Bearer key for MEMORY_LLM_BASE_URL" }),
  MEMORY_LLM_TIMEOUT_S: Type.Number({
    exclusiveMinimum: 0,
    default: 30,
    description: "give up on the extraction model after this long (the rules extract instead)",
  }),
  LUMINA_API_KEY: Type.Optional(
    Type.String({ description: "when set, /chat, /v1/* and /chunks need Authorization: Bearer <key>" }),
  ),
});
