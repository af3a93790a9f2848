import { Type } from "@sinclair/typebox";

/** The trainer's own variables, on top of the base ones (libs/runtime). */
export const TrainerConfig = Type.Object({
  TRAIN_MIN_CONF: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.5,
    description: "turns answered with less confidence become training samples",
  }),
  TRAIN_MAX_AGE: Type.Number({
    exclusiveMinimum: 0,
    default: 30,
    description: "days a sample stays in the pool",
  }),
  TRAIN_BATCH: Type.Integer({ minimum: 1, default: 32, description: "samples per dataset and training run" }),
  TRAIN_CMD: Type.String({
    default: "",
    description:
      "LoRA trainer command, run with sh; {dataset} {base_model} {output} {lr} {epochs} {version} are filled in. Empty: datasets only",
  }),
  TRAIN_TIMEOUT_S: Type.Integer({
    minimum: 1,
    default: 3_600,
    description: "a training run is killed after",
  }),
  TRAIN_RETRY_S: Type.Integer({
    minimum: 0,
    default: 600,
    description: "wait after a failed run before the next",
  }),
  TRAIN_BASE_MODEL: Type.String({
    default: "",
    description:
      "GGUF the adapters are trained for (the rag-worker's LLM_MODEL_PATH); empty: DATA_DIR/models/phi-2.Q4_K_M.gguf",
  }),
  LR: Type.Number({ exclusiveMinimum: 0, default: 0.0001, description: "learning rate passed to TRAIN_CMD" }),
  EPOCHS: Type.Integer({ minimum: 1, default: 1, description: "epochs passed to TRAIN_CMD" }),
  TRAIN_CHECK_S: Type.Number({
    exclusiveMinimum: 0,
    default: 30,
    description: "how often the pool is checked for a full batch (besides every new sample)",
  }),
});
