import { StreamConsumer } from "@lumina/bus";
import { GraphAdd } from "@lumina/events";
import type { ConfigOf, ServiceApp, ServiceDeps } from "@lumina/runtime";
import { Counter } from "prom-client";
import type { ScratchVmConfig } from "./config.ts";
import { handleGraphAdd } from "./handlers/graph-add.ts";
import type { NoteWriter } from "./note-writer.ts";
import { Scratchpads } from "./scratchpad.ts";

export type ScratchVmDeps = ServiceDeps<ConfigOf<typeof ScratchVmConfig>> & { writer: NoteWriter };

/** graph:add → THINK_ROUNDS reflection notes in a TTL scratchpad, each published as think:note. */
export function buildService(deps: ScratchVmDeps): ServiceApp {
  const { config, redis, registry } = deps;
  const metrics = {
    notes: new Counter({
      name: "scratch_notes_total",
      help: "Reflection notes written, by writer (llm or extractive)",
      labelNames: ["writer"],
      registers: [registry],
    }),
    padsCreated: new Counter({
      name: "pads_created_total",
      help: "Scratchpads opened (one per new article revision)",
      registers: [registry],
    }),
  };
  const pads = new Scratchpads(redis, config.PAD_TTL);
  return {
    capabilities: [
      "consumes graph:add",
      `writes ${config.THINK_ROUNDS} notes per article`,
      "publishes think:note",
    ],
    consumers: [
      new StreamConsumer({
        ...deps.consumerDefaults,
        redis,
        contract: GraphAdd,
        group: "scratch-vm",
        consumer: deps.consumerName,
        handler: (article) =>
          handleGraphAdd(article, {
            redis,
            pads,
            writer: deps.writer,
            publisher: deps.publisher,
            rounds: config.THINK_ROUNDS,
            neighbours: config.THINK_NEIGHBOURS,
            yieldMs: config.THINK_YIELD_MS,
            metrics,
          }),
      }),
    ],
    readiness: async () => ({
      adapters: { notes: deps.writer.kind === "llm" ? `llm at ${config.THINK_LLM_BASE_URL}` : "extractive" },
      fallbacks: deps.writer.kind === "llm" ? [] : ["extractive notes: no THINK_LLM_BASE_URL configured"],
    }),
  };
}
