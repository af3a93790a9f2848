import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "@lumina/config";
import { Type } from "@sinclair/typebox";
import { DownloadError, download, type Progress } from "../download.ts";
import { DEFAULT_LLM_FILE } from "@lumina/llm/default-model";

/** Variables of `lumina models pull`. */
export const ModelsConfig = Type.Object({
  DATA_DIR: Type.String({ default: "./data" }),
  MODELS_BASE_URL: Type.String({
    default: "https://huggingface.co",
    description: "where models are downloaded from (a Hugging Face mirror works)",
  }),
});

/** The models `lumina models pull` fetches, into DATA_DIR/models. */
export const CATALOGUE = [
  {
    name: "phi-2",
    use: "the chat model (rag-worker finds it there without LLM_MODEL_PATH)",
    path: `TheBloke/phi-2-GGUF/resolve/main/${DEFAULT_LLM_FILE}`,
    file: DEFAULT_LLM_FILE,
  },
  {
    name: "bge-small-en-v1.5",
    use: "the embedding model (384-d) EMBEDDER=auto then prefers to USE-lite: run `lumina reindex` once, Lumina stopped",
    path: "CompendiumLabs/bge-small-en-v1.5-gguf/resolve/main/bge-small-en-v1.5-q8_0.gguf",
    file: "bge-small-en-v1.5-q8_0.gguf",
  },
] as const;

const isGguf = (head: Buffer) =>
  head.subarray(0, 4).toString("latin1") === "GGUF"
    ? undefined
    : "the file does not start with the GGUF magic";

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;

/** A progress bar on a terminal; a line every 10 % otherwise (logs, CI). */
function progressPrinter(name: string, out: NodeJS.WriteStream) {
  const started = Date.now();
  let lastDecile = -1;
  return ({ done, total }: Progress) => {
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    const share = total ? done / total : undefined;
    if (out.isTTY) {
      const width = 30;
      const filled = share === undefined ? 0 : Math.round(share * width);
      const bar =
        share === undefined
          ? ""
          : `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0)}% `;
      out.write(`\r${name} ${bar}${mb(done)}${total ? ` / ${mb(total)}` : ""} ${mb(rate)}/s   `);
    } else if (share !== undefined && Math.floor(share * 10) > lastDecile) {
      lastDecile = Math.floor(share * 10);
      out.write(`${name}: ${lastDecile * 10}% (${mb(done)} of ${mb(total as number)})\n`);
    }
  };
}

/**
 * `lumina models pull [name…]`: downloads the catalogue's models (all by default) into
 * DATA_DIR/models, resuming partial downloads, skipping files already there, checking each is a GGUF
 * file. Exit codes: 0 done, 64 unknown model name, 69 a download failed (with what to do instead).
 */
export async function modelsPull(names: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig("lumina models pull", ModelsConfig, env);
  const unknown = names.filter((n) => !CATALOGUE.some((m) => m.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `lumina models pull: unknown model ${unknown.join(", ")}; known: ${CATALOGUE.map((m) => m.name).join(", ")}\n`,
    );
    return 64;
  }
  const dir = join(config.DATA_DIR, "models");
  await mkdir(dir, { recursive: true });
  let failed = 0;
  for (const model of CATALOGUE.filter((m) => names.length === 0 || names.includes(m.name))) {
    const dest = join(dir, model.file);
    const url = `${config.MODELS_BASE_URL.replace(/\/+$/, "")}/${model.path}`;
    if (
      await stat(dest).then(
        () => true,
        () => false,
      )
    ) {
      process.stdout.write(`${model.name}: already at ${dest}\n`);
      continue;
    }
    process.stdout.write(`${model.name}: ${url} → ${dest}\n  (${model.use})\n`);
    try {
      const { bytes, resumed } = await download(url, dest, {
        verify: isGguf,
        onProgress: progressPrinter(model.name, process.stdout),
      });
      process.stdout.write(
        `${process.stdout.isTTY ? "\n" : ""}${model.name}: ${mb(bytes)}${resumed ? " (resumed)" : ""} saved to ${dest}\n`,
      );
    } catch (err) {
      failed++;
      const why =
        err instanceof DownloadError ? err.message : `cannot reach ${new URL(url).host}: ${describe(err)}`;
      process.stderr.write(
        `\n${model.name}: download failed: ${why}\n` +
          `  Download it by hand from ${url}\n  and put it at ${dest} (a partial ${dest}.part is resumed next time),\n` +
          "  or set MODELS_BASE_URL to a mirror, or point LLM_MODEL_PATH / LLM_BASE_URL at a model you have.\n",
      );
    }
  }
  return failed > 0 ? 69 : 0;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
  return `${err.message}${cause}`;
}
