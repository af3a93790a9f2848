import { OpenAiCompatibleLlm } from "@lumina/llm";
import type { Logger } from "@lumina/observability";
import {
  type ConfigOf,
  isMain,
  type RunningService,
  runMain,
  startService,
  yieldToChat,
} from "@lumina/runtime";
import { buildService } from "./app.ts";
import { ScratchVmConfig } from "./config.ts";
import { ExtractiveNoteWriter, LlmNoteWriter, type NoteWriter } from "./note-writer.ts";

export const NAME = "scratch-vm";
/** This service's own variables; the base ones (REDIS_URL, DATA_DIR…) come from libs/runtime. */
export const CONFIG = ScratchVmConfig;
export const METRICS_PORT = 9303;

/** Starts the scratch-vm from `env`: the one place that reads the environment and builds real adapters. */
export function start(env: Readonly<Record<string, string | undefined>>): Promise<RunningService> {
  return startService(
    {
      name: NAME,
      metricsPort: METRICS_PORT,
      config: ScratchVmConfig,
      build: (deps) => {
        const writer = noteWriter(deps.config, deps.logger, () =>
          yieldToChat(deps.redis, deps.config.THINK_YIELD_MS),
        );
        if (writer.kind !== "llm")
          deps.logger.warn(
            "no THINK_LLM_BASE_URL: reflection notes are extractive (sentences, not thoughts)",
          );
        return buildService({ ...deps, writer });
      },
    },
    env,
  );
}

function noteWriter(
  config: ConfigOf<typeof ScratchVmConfig>,
  logger: Logger,
  waitForQuiet: () => Promise<unknown>,
): NoteWriter {
  if (!config.THINK_LLM_BASE_URL) return new ExtractiveNoteWriter();
  const llm = new OpenAiCompatibleLlm({
    baseUrl: config.THINK_LLM_BASE_URL,
    ...(config.THINK_LLM_API_KEY ? { apiKey: config.THINK_LLM_API_KEY } : {}),
    model: config.THINK_LLM_MODEL,
    contextSize: 2048,
    concurrency: 1,
    maxQueue: 4,
    timeoutMs: 120_000,
    lumina: config.THINK_LLM_API === "lumina",
  });
  return new LlmNoteWriter(llm, {
    maxTokens: config.THINK_MAX_TOKENS,
    maxPromptChars: config.THINK_PROMPT_CHARS,
    logger,
    waitForQuiet,
  });
}

if (isMain(import.meta.url)) runMain(NAME, start);
