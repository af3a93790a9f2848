import { join } from "node:path";
import { StreamConsumer } from "@lumina/bus";
import { QaTurn } from "@lumina/events";
import { type ConfigOf, Periodic, type ServiceApp, type ServiceDeps } from "@lumina/runtime";
import { Counter, Gauge, type Registry } from "prom-client";
import type { TrainerConfig } from "./config.ts";
import { handleQaTurn } from "./handlers/qa-turn.ts";
import { SamplePool } from "./sample-pool.ts";
import { Training } from "./training.ts";

export type TrainerDeps = ServiceDeps<ConfigOf<typeof TrainerConfig>> & {
  /** The GGUF the adapters are trained for (TRAIN_BASE_MODEL, else the rag-worker's model). */
  baseModel: string;
};

/** The trainer's metrics. */
function trainerMetrics(registry: Registry) {
  return {
    samples: new Counter({
      name: "chat_lora_samples_total",
      help: "Low-confidence chat turns added to the training pool",
      registers: [registry],
    }),
    runs: new Counter({
      name: "chat_lora_train_events_total",
      help: "Training runs by result (ok, failed, timeout, skipped: dataset written with training off)",
      labelNames: ["result"],
      registers: [registry],
    }),
    version: new Gauge({
      name: "adapter_version",
      help: "LoRA adapter version: the latest trained (trainer) or the one in use (rag-worker)",
      labelNames: ["service"],
      registers: [registry],
    }),
    datasetRows: new Counter({
      name: "training_samples_total",
      help: "Samples written into training datasets (adapters/datasets/v<N>.jsonl), trained on or not",
      registers: [registry],
    }),
  };
}

/** qa:turn → the sample pool → datasets → TRAIN_CMD → versioned LoRA adapters → adapter:updated. */
export function buildService(deps: TrainerDeps): ServiceApp {
  const { config, redis, logger } = deps;
  const pool = new SamplePool(redis);
  const { samples, ...metrics } = trainerMetrics(deps.registry);
  const { version } = metrics;
  const training = new Training(
    { redis, pool, publisher: deps.publisher, logger, metrics },
    {
      adaptersDir: join(config.DATA_DIR, "adapters"),
      batch: config.TRAIN_BATCH,
      maxAgeDays: config.TRAIN_MAX_AGE,
      command: config.TRAIN_CMD,
      baseModel: deps.baseModel,
      lr: config.LR,
      epochs: config.EPOCHS,
      timeoutMs: config.TRAIN_TIMEOUT_S * 1_000,
      retryMs: config.TRAIN_RETRY_S * 1_000,
    },
  );
  const check = new Periodic(() => training.maybeTrain(), {
    intervalMs: config.TRAIN_CHECK_S * 1_000,
    logger,
    what: "training check",
  });
  return {
    capabilities: [
      "consumes qa:turn",
      config.TRAIN_CMD
        ? "trains LoRA adapters with TRAIN_CMD"
        : "writes datasets (training off: no TRAIN_CMD)",
      "publishes adapter:updated",
    ],
    consumers: [qaTurnConsumer(deps, pool, samples, training)],
    async start() {
      version.set({ service: "trainer" }, await training.currentVersion());
      check.start();
    },
    async stop() {
      await check.stop();
      await training.stop();
    },
    readiness: async () => ({
      adapters: { trainer: config.TRAIN_CMD ? "TRAIN_CMD" : "off", base_model: deps.baseModel },
      fallbacks: config.TRAIN_CMD
        ? []
        : ["training is off (no TRAIN_CMD): datasets are written, no adapters"],
    }),
  };
}

/** qa:turn → a sample in the pool when its confidence is under TRAIN_MIN_CONF; a full batch trains. */
function qaTurnConsumer(deps: TrainerDeps, pool: SamplePool, samples: Counter, training: Training) {
  const { config, logger } = deps;
  return new StreamConsumer({
    ...deps.consumerDefaults,
    redis: deps.redis,
    contract: QaTurn,
    group: "trainer",
    consumer: deps.consumerName,
    handler: (turn) =>
      handleQaTurn(turn, {
        pool,
        samples,
        minConf: config.TRAIN_MIN_CONF,
        maxAgeDays: config.TRAIN_MAX_AGE,
        onSample: () =>
          void training.maybeTrain().catch((err) => logger.error({ err }, "training run failed")),
      }),
  });
}
