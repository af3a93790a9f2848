/**
 * A stand-in TRAIN_CMD for tests and demos on machines that cannot train: it reads the dataset the
 * trainer wrote (and fails on a malformed one, as a real trainer would), then writes a LoRA adapter in
 * llama.cpp's GGUF format for the base model, with pseudo-random weights seeded by the dataset.
 * The adapter loads and changes the model's output; it has learned nothing. Real training:
 * ops/training/train-lora-peft.py (docs/autonomy.md).
 *
 *   TRAIN_CMD="npx tsx ops/training/lora-stand-in.ts --base {base_model} --dataset {dataset} --out {output}"
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { writeTestLora } from "@lumina/testing";

const { values } = parseArgs({
  options: { base: { type: "string" }, dataset: { type: "string" }, out: { type: "string" } },
});
if (!values.base || !values.dataset || !values.out) {
  console.error("usage: lora-stand-in.ts --base <model.gguf> --dataset <v1.jsonl> --out <lora.gguf>");
  process.exit(2);
}
const lines = (await readFile(values.dataset, "utf8")).split("\n").filter((l) => l.trim() !== "");
for (const [i, line] of lines.entries()) {
  const row = JSON.parse(line) as { messages?: { role: string; content: string }[] };
  if (!Array.isArray(row.messages) || !row.messages.some((m) => m.role === "assistant"))
    throw new Error(`${values.dataset}:${i + 1}: not a chat sample`);
}
console.log(`read ${lines.length} samples from ${values.dataset}`);
const written = await writeTestLora(values.base, values.out, { seed: lines.join("\n") });
console.log(
  `wrote ${values.out}: ${written.tensors} tensors, ${written.bytes} bytes (stand-in weights, not trained)`,
);
