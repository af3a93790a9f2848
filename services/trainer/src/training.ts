import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type StreamPublisher, withRedisLock } from "@lumina/bus";
import { AdapterUpdated } from "@lumina/events";
import type { Logger } from "@lumina/observability";
import type { Redis } from "ioredis";
import type { Counter, Gauge } from "prom-client";
import { datasetLine, fillCommand, nextVersion } from "./domain/samples.ts";
import type { SamplePool } from "./sample-pool.ts";
import { runCommand } from "./train-command.ts";

export interface TrainingSettings {
  adaptersDir: string;
  batch: number;
  maxAgeDays: number;
  command: string;
  baseModel: string;
  lr: number;
  epochs: number;
  timeoutMs: number;
  retryMs: number;
}

export interface TrainingParts {
  redis: Redis;
  pool: SamplePool;
  publisher: StreamPublisher;
  logger: Logger;
  metrics: { runs: Counter<"result">; version: Gauge<"service">; datasetRows: Counter };
}

const LOCK = "train:lock";

/**
 * Turns a full batch of samples into a dataset and, with TRAIN_CMD, into a LoRA adapter:
 * `adapters/datasets/v<N>.jsonl` → TRAIN_CMD → `adapters/lora-v<N>.gguf` → `adapter:updated`.
 * One run at a time across replicas (a Redis lock held for the run's timeout). Samples leave the pool
 * only when their dataset is done with: trained, or written while training is off. A failed run keeps
 * them and waits TRAIN_RETRY_S before trying again.
 */
export class Training {
  #running: Promise<void> | undefined;
  #retryAt = 0;
  readonly #stopping = new AbortController();

  constructor(
    private readonly parts: TrainingParts,
    private readonly s: TrainingSettings,
  ) {}

  /** The highest adapter version on disk (0: none), for adapter_version at start. */
  async currentVersion(): Promise<number> {
    return nextVersion(await this.#files(this.s.adaptersDir)) - 1;
  }

  /** Starts a run when the pool holds a batch; returns the run (or the one already going). */
  maybeTrain(): Promise<void> {
    this.#running ??= this.#maybeTrain().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Kills a running TRAIN_CMD (its samples stay in the pool) and waits for the run to end. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running?.catch(() => undefined);
  }

  async #maybeTrain(): Promise<void> {
    const { pool, redis, logger } = this.parts;
    if (this.#stopping.signal.aborted || Date.now() < this.#retryAt) return;
    await pool.prune(Date.now() - this.s.maxAgeDays * 86_400_000);
    if ((await pool.size()) < this.s.batch) return;
    await withRedisLock(redis, LOCK, this.s.timeoutMs + 60_000, async () => {
      const samples = await pool.oldest(this.s.batch);
      const version = nextVersion([
        ...(await this.#files(this.s.adaptersDir)),
        ...(await this.#files(join(this.s.adaptersDir, "datasets"))),
      ]);
      const dataset = join(this.s.adaptersDir, "datasets", `v${version}.jsonl`);
      await mkdir(join(this.s.adaptersDir, "datasets"), { recursive: true });
      await mkdir(join(this.s.adaptersDir, "logs"), { recursive: true });
      await writeFile(dataset, `${samples.map(datasetLine).join("\n")}\n`);
      this.parts.metrics.datasetRows.inc(samples.length);
      if (!this.s.command) {
        logger.warn({ dataset, samples: samples.length }, "dataset written; training is off (no TRAIN_CMD)");
        await pool.remove(samples.map((s) => s.turn_id));
        this.parts.metrics.runs.inc({ result: "skipped" });
        return;
      }
      await this.#train(
        version,
        dataset,
        samples.map((s) => s.turn_id),
      );
    });
  }

  async #train(version: number, dataset: string, ids: string[]): Promise<void> {
    const { logger, metrics } = this.parts;
    const output = join(this.s.adaptersDir, `lora-v${version}.gguf`);
    const logPath = join(this.s.adaptersDir, "logs", `v${version}.log`);
    const vars = {
      dataset,
      base_model: this.s.baseModel,
      output,
      lr: String(this.s.lr),
      epochs: String(this.s.epochs),
      version: String(version),
    };
    logger.info({ version, samples: ids.length, log: logPath }, "training a LoRA adapter");
    const result = await runCommand(fillCommand(this.s.command, vars), {
      env: Object.fromEntries(Object.entries(vars).map(([k, v]) => [`LUMINA_TRAIN_${k.toUpperCase()}`, v])),
      timeoutMs: this.s.timeoutMs,
      logPath,
      signal: this.#stopping.signal,
    });
    if (this.#stopping.signal.aborted) {
      logger.warn({ version }, "training stopped with the trainer; the samples stay in the pool");
      return;
    }
    const size = await stat(output).then(
      (s) => s.size,
      () => 0,
    );
    if (!result.ok || size === 0) {
      const why = result.timedOut
        ? `timed out after ${this.s.timeoutMs / 1000} s`
        : result.ok
          ? `exited 0 but wrote no adapter at ${output}`
          : `exited ${result.code}`;
      logger.error(
        { version, log: logPath },
        `TRAIN_CMD ${why}; the samples stay in the pool, next try in ${this.s.retryMs / 1000} s`,
      );
      metrics.runs.inc({ result: result.timedOut ? "timeout" : "failed" });
      this.#retryAt = Date.now() + this.s.retryMs;
      return;
    }
    await this.parts.publisher.publish(AdapterUpdated, {
      version,
      path: output,
      base_model: this.s.baseModel,
      samples: ids.length,
      ts: new Date().toISOString(),
    });
    await this.parts.pool.remove(ids);
    metrics.runs.inc({ result: "ok" });
    metrics.version.set({ service: "trainer" }, version);
    logger.info({ version, output, seconds: result.seconds }, "adapter trained and announced");
  }

  async #files(dir: string): Promise<string[]> {
    return readdir(dir).catch(() => []);
  }
}
