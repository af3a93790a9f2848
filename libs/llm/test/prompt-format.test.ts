import { describe, expect, it } from "vitest";
import { applyStops, PROMPT_FORMATS } from "../src/index.ts";

describe("prompt formats", () => {
  it("renders phi-2's Instruct/Output format with history", () => {
    const prompt = PROMPT_FORMATS.phi2.render([
      { role: "system", content: "Answer from the sources." },
      { role: "user", content: "Who?" },
      { role: "assistant", content: "Rollo." },
      { role: "user", content: "When?" },
    ]);
    expect(prompt).toBe(
      "Answer from the sources.\n\nInstruct: Who?\nOutput: Rollo.\nInstruct: When?\nOutput:",
    );
  });

  it("renders ChatML with an open assistant turn", () => {
    expect(PROMPT_FORMATS.chatml.render([{ role: "user", content: "Hi" }])).toBe(
      "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    );
  });
});

describe("applyStops", () => {
  it("cuts at the earliest stop string", () => {
    expect(applyStops("In 911.\nInstruct: next", ["\nInstruct:"])).toEqual({
      text: "In 911.",
      stopped: true,
      safe: 7,
    });
  });

  it("holds back a tail that could become a stop string", () => {
    expect(applyStops("In 911.\nInst", ["\nInstruct:"]).safe).toBe(7);
    expect(applyStops("In 911.", ["\nInstruct:"])).toEqual({ text: "In 911.", stopped: false, safe: 7 });
  });
});
