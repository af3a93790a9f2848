import type { ChatMessage } from "./port.ts";

/**
 * How a conversation becomes one prompt string for a model trained on a given format, and the strings
 * that end its answer.
 * - phi2: Microsoft's documented QA/chat format, `Instruct: …\nOutput:`.
 * - chatml: `<|im_start|>role … <|im_end|>` (Qwen, many fine-tunes).
 * - plain: the messages joined as text, for base models with no chat format (the tiny test models).
 */
export type PromptFormatName = "phi2" | "chatml" | "plain";

export interface PromptFormat {
  render(messages: ChatMessage[]): string;
  stops: string[];
}

export const PROMPT_FORMATS: Record<PromptFormatName, PromptFormat> = {
  phi2: {
    render(messages) {
      const system = messages.filter((m) => m.role === "system").map((m) => m.content);
      const turns = messages
        .filter((m) => m.role !== "system")
        .map((m) => (m.role === "user" ? `Instruct: ${m.content}\n` : `Output: ${m.content}\n`));
      return `${system.length > 0 ? `${system.join("\n\n")}\n\n` : ""}${turns.join("")}Output:`;
    },
    stops: ["\nInstruct:", "<|endoftext|>"],
  },
  chatml: {
    render(messages) {
      const turns = messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`);
      return `${turns.join("")}<|im_start|>assistant\n`;
    },
    stops: ["<|im_end|>", "<|im_start|>"],
  },
  plain: {
    render: (messages) => messages.map((m) => m.content).join("\n\n"),
    stops: [],
  },
};

/**
 * Cuts generated text at the first stop string, and tells how much of it is safe to stream: text that
 * could still grow into a stop string is held back until the next token decides.
 */
export function applyStops(text: string, stops: string[]): { text: string; stopped: boolean; safe: number } {
  let cut = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at !== -1 && (cut === -1 || at < cut)) cut = at;
  }
  if (cut !== -1) return { text: text.slice(0, cut), stopped: true, safe: cut };
  let safe = text.length;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > 0; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        safe = Math.min(safe, text.length - n);
        break;
      }
    }
  }
  return { text, stopped: false, safe };
}
