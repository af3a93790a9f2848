import { describe, expect, it } from "vitest";
import { datasetLine, fillCommand, isTrainable, nextVersion, shellQuote } from "../src/domain/samples.ts";

const now = Date.parse("2026-11-23T12:00:00Z");
const sample = {
  turn_id: "01J0000000000000000000000A",
  session: "alpha",
  query: "Who built Bodmin's priory?",
  answer: "I do not know.",
  confidence: 0.2,
  cite_ids: ["c1"],
  ts: now - 1_000,
};

describe("trainer domain", () => {
  it("keeps turns under TRAIN_MIN_CONF and younger than TRAIN_MAX_AGE days", () => {
    expect(isTrainable(sample, 0.5, 30, now)).toBe(true);
    expect(isTrainable({ ...sample, confidence: 0.5 }, 0.5, 30, now)).toBe(false);
    expect(isTrainable({ ...sample, ts: now - 31 * 86_400_000 }, 0.5, 30, now)).toBe(false);
  });
  it("writes chat-format JSONL with the turn's identity beside the messages", () => {
    const row = JSON.parse(datasetLine(sample));
    expect(row.messages.map((m: { role: string }) => m.role)).toEqual(["system", "user", "assistant"]);
    expect(row.messages[1].content).toBe(sample.query);
    expect(row.messages[2].content).toBe(sample.answer);
    expect(row.lumina).toMatchObject({ turn_id: sample.turn_id, confidence: 0.2, cite_ids: ["c1"] });
  });
  it("numbers versions one past the highest adapter or dataset file", () => {
    expect(nextVersion([])).toBe(1);
    expect(nextVersion(["lora-v2.gguf", "v7.jsonl", "notes.txt", "lora-v10.gguf"])).toBe(11);
  });
  it("fills TRAIN_CMD placeholders as single shell words, even with quotes and spaces", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(fillCommand("train --data {dataset} --x {unknown}", { dataset: "/a b/it's.jsonl" })).toBe(
      `train --data '/a b/it'\\''s.jsonl' --x {unknown}`,
    );
  });
});
