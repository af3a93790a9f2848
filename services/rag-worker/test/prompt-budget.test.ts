import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { NodeLlamaCppLlm } from "@lumina/llm";
import { compilePersona, emotionalContext, parsePersona } from "@lumina/persona";
import { fixture } from "@lumina/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPrompt, DEFAULT_SHARES, fitPrompt } from "../src/domain/index.ts";

// The prompt's budget counted with a real tokenizer: the tiny GGUF's (stories260K, llama.cpp). Its
// own context stops at 2,048 tokens; the prompt is built for a 4,096-token window, the design's.
let llm: NodeLlamaCppLlm;
beforeAll(async () => {
  llm = await NodeLlamaCppLlm.load({
    modelPath: fixture("models/stories260K.gguf"),
    contextSize: 256,
    sequences: 1,
    threads: 1,
    format: "plain",
    maxQueue: 1,
  });
});
afterAll(() => llm.close());

const WINDOW = 4096;
const sentences = (n: number, about: string) =>
  Array.from({ length: n }, (_, i) => `The ${about} record ${i} says the moor is ${i * 7} metres high.`).join(
    " ",
  );

describe("prompt budget, 20/25/35/20 of a 4,096-token window, real tokenizer", () => {
  it("keeps each part within its share, the persona whole, and a summary in place of the cut history", async () => {
    const file = fileURLToPath(new URL("../../../personas/sakura.json", import.meta.url));
    const persona = parsePersona(JSON.parse(await readFile(file, "utf8")));
    const compiled = compilePersona(persona, { points: 50, mood: "sad", intensity: 0.8 });
    const emotion = emotionalContext(persona, { emotion: "sadness", confidence: 0.9 }, [
      { date: "2026-11-01", summary: "My grandmother died last month and I miss her." },
    ]);
    const history = Array.from({ length: 60 }, (_, i) => ({
      user: `Turn ${i}: tell me about the moor. ${sentences(3, `question ${i}`)}`,
      assistant: `Answer ${i}. ${sentences(4, `answer ${i}`)}`,
    }));
    const input = {
      question: "What is the highest point of Dartmoor?",
      sources: Array.from({ length: 12 }, (_, i) => ({
        title: `Moor ${i}`,
        text: sentences(40, `source ${i}`),
      })),
      memory: Array.from(
        { length: 40 },
        (_, i) => `The user told you earlier: fact number ${i} about their life.`,
      ),
      history,
      summary: sentences(80, "summary"),
      persona: compiled.prompt,
      ...(emotion ? { emotion } : {}),
      contextSize: WINDOW,
      answerTokens: Math.floor(WINDOW * DEFAULT_SHARES.response),
      countTokens: (t: string) => llm.countTokens(t),
    };
    const built = fitPrompt(input, (messages) => llm.promptTokens(messages));
    const system = built.messages[0]?.content ?? "";

    expect(system.startsWith(compiled.prompt)).toBe(true); // the persona, whole, first
    expect(system).toContain("the user seems to feel sadness (90 %)");
    expect(built.parts.system).toBeLessThanOrEqual(WINDOW * DEFAULT_SHARES.system);
    // Tokens of pieces counted apart and joined differ by a few: that much slack, no more.
    const slack = 8;
    // The context's share, and the room the history left (less than one more turn).
    const historyLeft = WINDOW * DEFAULT_SHARES.history - built.parts.history;
    expect(historyLeft).toBeLessThan(llm.countTokens(`${history[0]?.user} ${history[0]?.assistant}`) + 16);
    expect(built.parts.context).toBeLessThanOrEqual(WINDOW * DEFAULT_SHARES.context + historyLeft + slack);
    expect(built.parts.context).toBeGreaterThan(WINDOW * DEFAULT_SHARES.context * 0.8); // and it is used
    expect(built.parts.history).toBeLessThanOrEqual(WINDOW * DEFAULT_SHARES.history + slack);
    expect(built.parts.history).toBeGreaterThan(WINDOW * DEFAULT_SHARES.history * 0.8);
    expect(built.used.history).toBeGreaterThan(0);
    expect(built.used.summarised).toBe(60 - built.used.history);
    expect(system).toContain("Earlier in this conversation: Asked: Turn 0:"); // the summary of cut turns
    // The rolling summary, its newest sentences, within the history's share.
    expect(system).toMatch(/Summary of the conversation so far: The summary record \d+ says/);
    expect(system).toContain("The summary record 79 says");
    expect(built.messages.at(-2)?.content).toBe(history.at(-1)?.assistant); // the newest turn, verbatim
    expect(built.messages.at(-1)).toEqual({ role: "user", content: input.question });
    // The whole prompt, as the model renders it, leaves the response its share.
    expect(llm.promptTokens(built.messages)).toBeLessThanOrEqual(WINDOW - input.answerTokens);
  });

  it("gives a short history's room to the sources, and never cuts a persona larger than its share", () => {
    const base = {
      question: "What is Dartmoor?",
      sources: Array.from({ length: 12 }, (_, i) => ({
        title: `Moor ${i}`,
        text: sentences(40, `source ${i}`),
      })),
      memory: [],
      history: [],
      contextSize: WINDOW,
      answerTokens: Math.floor(WINDOW * DEFAULT_SHARES.response),
      countTokens: (t: string) => llm.countTokens(t),
    };
    const first = buildPrompt(base);
    expect(first.parts.context).toBeGreaterThan(
      WINDOW * (DEFAULT_SHARES.context + DEFAULT_SHARES.history) * 0.8,
    );
    const huge = `You are Sakura. ${sentences(60, "persona")}`;
    const big = buildPrompt({ ...base, persona: huge });
    expect(big.parts.system).toBeGreaterThan(WINDOW * DEFAULT_SHARES.system);
    expect(big.messages[0]?.content.startsWith(huge)).toBe(true);
    expect(big.parts.context).toBeLessThan(first.parts.context);
    expect(big.tokens).toBeLessThanOrEqual(WINDOW - base.answerTokens);
  });
});
