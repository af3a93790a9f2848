import { Type } from "@sinclair/typebox";

/** Which personas a process knows and which answers by default (rag-worker and memory service). */
export const PersonaConfig = Type.Object({
  PERSONAS_DIR: Type.String({
    default: "personas",
    description:
      "persona files (NAME.json, docs/persona.md) beside the built-in `lumina`; a missing folder: the built-in only",
  }),
  PERSONA: Type.String({
    default: "lumina",
    pattern: "^[a-z0-9][a-z0-9_-]{0,63}$",
    description: "the persona that answers when a request names none",
  }),
});
