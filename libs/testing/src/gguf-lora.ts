import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";

/**
 * Writes a LoRA adapter in llama.cpp's GGUF adapter format for the base model at `basePath`: for each
 * attention/FFN weight `W` (n_in × n_out) of the base, `W.lora_a` (n_in × rank) and `W.lora_b`
 * (rank × n_out) in F32, with `general.type = adapter`, `adapter.type = lora` and `adapter.lora.alpha`.
 * The values are pseudo-random from `seed`: this is a file that loads and changes the model's output,
 * for testing the adapter path end to end — not a trained adapter.
 */
export async function writeTestLora(
  basePath: string,
  outPath: string,
  opts: { seed: string; rank?: number; magnitude?: number },
): Promise<{ tensors: number; bytes: number }> {
  const rank = opts.rank ?? 4;
  const info = await readGgufFileInfo(basePath, { readTensorInfo: true });
  const arch = String((info.metadata.general as { architecture?: string }).architecture ?? "llama");
  const targets = (info.fullTensorInfo ?? []).filter(
    (t) =>
      /^blk\.\d+\.(attn_(q|k|v|output)|ffn_(up|down|gate))\.weight$/.test(t.name) &&
      t.dimensions.length === 2,
  );
  const rand = seeded(opts.seed);
  const magnitude = opts.magnitude ?? 0.5;
  const tensors: { name: string; dims: number[]; data: Float32Array }[] = [];
  for (const t of targets) {
    const [nIn, nOut] = t.dimensions.map(Number) as [number, number];
    const fill = (n: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * magnitude);
    tensors.push({ name: `${t.name}.lora_a`, dims: [nIn, rank], data: fill(nIn * rank) });
    tensors.push({ name: `${t.name}.lora_b`, dims: [rank, nOut], data: fill(rank * nOut) });
  }
  const bytes = encodeGguf(
    [
      ["general.architecture", arch],
      ["general.type", "adapter"],
      ["adapter.type", "lora"],
      ["adapter.lora.alpha", rank],
    ],
    tensors,
  );
  await writeFile(outPath, bytes);
  return { tensors: tensors.length, bytes: bytes.length };
}

const ALIGN = 32;
const GGUF_STRING = 8;
const GGUF_FLOAT32 = 6;
const GGML_F32 = 0;

/** GGUF v3: header, key/values (strings and float32 here), tensor infos, then aligned F32 data. */
function encodeGguf(
  kvs: [string, string | number][],
  tensors: { name: string; dims: number[]; data: Float32Array }[],
) {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    parts.push(b);
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    parts.push(b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, "utf8");
    u64(b.length);
    parts.push(b);
  };
  parts.push(Buffer.from("GGUF", "ascii"));
  u32(3);
  u64(tensors.length);
  u64(kvs.length);
  for (const [key, value] of kvs) {
    str(key);
    if (typeof value === "string") {
      u32(GGUF_STRING);
      str(value);
    } else {
      u32(GGUF_FLOAT32);
      const b = Buffer.alloc(4);
      b.writeFloatLE(value);
      parts.push(b);
    }
  }
  let offset = 0;
  for (const t of tensors) {
    str(t.name);
    u32(t.dims.length);
    for (const d of t.dims) u64(d);
    u32(GGML_F32);
    u64(offset);
    offset += Math.ceil(t.data.byteLength / ALIGN) * ALIGN;
  }
  const head = Buffer.concat(parts);
  const data = Buffer.alloc(Math.ceil(head.length / ALIGN) * ALIGN - head.length + offset);
  let at = data.length - offset;
  for (const t of tensors) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(data, at);
    at += Math.ceil(t.data.byteLength / ALIGN) * ALIGN;
  }
  return Buffer.concat([head, data]);
}

/** A deterministic generator in [0, 1) from a string seed (xorshift over a SHA-1 of the seed). */
function seeded(seed: string): () => number {
  let x = createHash("sha1").update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}
