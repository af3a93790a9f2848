import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { KG } from "@lumina/events";
import type { Redis } from "ioredis";
import { openCliRedis } from "../cli-redis.ts";
import { redactUrl } from "../connect.ts";
import { runningLumina } from "../runner-lock.ts";
import { dumpRedis, restoreRedis } from "../snapshot/redis-dump.ts";

const tar = promisify(execFile);
/** What a snapshot holds from DATA_DIR (docs/architecture.md, data on disk); the Redis dump and a manifest come beside them. */
const DATA_PARTS = ["graphs", "vectors", "adapters", "memory"];

interface Manifest {
  version: 1;
  created: string;
  redis: { url: string; keys: number; articles: number };
  data: string[];
  /** Lumina's variables that were set (keys and passwords left out). */
  config: Record<string, string>;
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/**
 * `lumina snapshot [--out FILE]`: DATA_DIR/graphs, vectors, adapters and memory (the SQLite memory
 * store of users), every Redis key (DUMP) and the
 * configuration, in one .tar.gz (default DATA_DIR/snapshots/lumina-<time>.tar.gz). Stop Lumina first,
 * or the vector store may be copied mid-write. Exit codes: 0 written, 69 Redis unreachable.
 */
export async function snapshot(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: "string" } } });
  const dataDir = resolve(env.DATA_DIR || "./data");
  const out = resolve(
    values.out ??
      join(dataDir, "snapshots", `lumina-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`),
  );
  const running = await runningLumina(dataDir);
  if (running)
    process.stderr.write(
      `lumina snapshot: warning: Lumina is running (pid ${running.pid}); the vector store may be copied mid-write. Stop it first for a consistent snapshot.\n`,
    );
  const { redis, url, close } = await openCliRedis("snapshot", env, { startLocal: true });
  const staging = await mkdtemp(join(tmpdir(), "lumina-snapshot-"));
  try {
    process.stdout.write(`snapshot: dumping Redis ${redactUrl(url)}…\n`);
    const keys = await dumpRedis(redis, join(staging, "redis.ndjson"), (n) =>
      progress(`snapshot: ${n} keys`),
    );
    const data = [];
    for (const part of DATA_PARTS) if (await exists(join(dataDir, part))) data.push(part);
    const manifest: Manifest = {
      version: 1,
      created: new Date().toISOString(),
      redis: { url: redactUrl(url), keys, articles: await redis.scard(KG.nodes) },
      data,
      config: luminaConfig(env),
    };
    await writeFile(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(
      `\nsnapshot: archiving ${data.join(", ") || "no data directories"} from ${dataDir}…\n`,
    );
    await mkdir(dirname(out), { recursive: true });
    await tar("tar", [
      "-czf",
      out,
      "-C",
      staging,
      "manifest.json",
      "redis.ndjson",
      ...(data.length ? ["-C", dataDir, ...data] : []),
    ]);
    process.stdout.write(`snapshot: ${out} (${keys} Redis keys, ${manifest.redis.articles} articles)\n`);
    return 0;
  } finally {
    await close();
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * `lumina restore FILE [--force]`: brings a snapshot back into DATA_DIR and Redis. Both must be empty
 * unless --force (which replaces what is there). Exit codes: 0 restored, 64 no file, 65 not a
 * snapshot, 69 Redis unreachable, 73 DATA_DIR or Redis not empty.
 */
export async function restore(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { force: { type: "boolean" } },
  });
  const [file] = positionals;
  const dataDir = resolve(env.DATA_DIR || "./data");
  const refused = await refusal(file, dataDir);
  if (refused) {
    process.stderr.write(`lumina restore: ${refused.message}\n`);
    return refused.code;
  }
  const { redis, url, close } = await openCliRedis("restore", env, { startLocal: true });
  const staging = await mkdtemp(join(tmpdir(), "lumina-restore-"));
  try {
    const archive = resolve(file as string);
    await tar("tar", ["-xzf", archive, "-C", staging, "manifest.json", "redis.ndjson"]).catch(
      () => undefined,
    );
    const manifest = await readFile(join(staging, "manifest.json"), "utf8").then(
      (t) => JSON.parse(t) as Manifest,
      () => undefined,
    );
    if (manifest?.version !== 1) {
      process.stderr.write(`lumina restore: ${file} is not a Lumina snapshot (no manifest.json)\n`);
      return 65;
    }
    const busy = [
      ...((await redis.dbsize()) > 0 ? [`Redis ${redactUrl(url)} holds ${await redis.dbsize()} keys`] : []),
      ...(await nonEmpty(dataDir, manifest.data)).map((p) => `${join(dataDir, p)} is not empty`),
    ];
    if (busy.length > 0 && !values.force) {
      process.stderr.write(
        `lumina restore: ${busy.join("; ")}. Restore into an empty DATA_DIR and Redis, or add --force to replace them.\n`,
      );
      return 73;
    }
    process.stdout.write(
      `restore: ${basename(archive)} from ${manifest.created} into ${dataDir} and ${redactUrl(url)}\n`,
    );
    await unpack(archive, staging, manifest, { dataDir, redis, replace: values.force === true });
    return 0;
  } finally {
    await close();
    await rm(staging, { recursive: true, force: true });
  }
}

/** Why a restore cannot start (no file named, no such file, Lumina running), with its exit code. */
async function refusal(
  file: string | undefined,
  dataDir: string,
): Promise<{ code: number; message: string } | undefined> {
  if (!file)
    return { code: 64, message: "name the snapshot, e.g. lumina restore data/snapshots/lumina-….tar.gz" };
  if (!(await exists(resolve(file)))) return { code: 64, message: `no such file: ${file}` };
  const running = await runningLumina(dataDir);
  if (running)
    return {
      code: 75,
      message: `Lumina is running (pid ${running.pid}) on ${dataDir}; stop it first (its services would write meanwhile).`,
    };
  return undefined;
}

/** The snapshot's folders into DATA_DIR (replacing them), its keys into Redis, with progress. */
async function unpack(
  archive: string,
  staging: string,
  manifest: Manifest,
  to: { dataDir: string; redis: Redis; replace: boolean },
): Promise<void> {
  const { dataDir, redis } = to;
  await mkdir(dataDir, { recursive: true });
  for (const part of manifest.data) await rm(join(dataDir, part), { recursive: true, force: true });
  if (manifest.data.length > 0) await tar("tar", ["-xzf", archive, "-C", dataDir, ...manifest.data]);
  const keys = await restoreRedis(redis, join(staging, "redis.ndjson"), {
    replace: to.replace,
    onProgress: (n) => progress(`restore: ${n}/${manifest.redis.keys} keys`),
  });
  const articles = await redis.scard(KG.nodes);
  process.stdout.write(
    `\nrestore: done, ${keys} Redis keys, ${articles} articles, ${manifest.data.join(", ")}\n`,
  );
}

async function nonEmpty(dataDir: string, parts: string[]): Promise<string[]> {
  const full: string[] = [];
  for (const part of parts)
    if ((await readdir(join(dataDir, part)).catch(() => [])).length > 0) full.push(part);
  return full;
}

/** Progress on one line when stdout is a terminal, else every line. */
function progress(text: string): void {
  process.stdout.write(process.stdout.isTTY ? `\r${text}` : `${text}\n`);
}

/** Variables Lumina reads that are set, without secrets: enough to know how the snapshot was made. */
function luminaConfig(env: NodeJS.ProcessEnv): Record<string, string> {
  const names =
    /^(EMBEDDER|EMBED_MODEL|EMBED_MODEL_PATH|VECTOR_STORE|QDRANT_COLLECTION_PREFIX|LLM_MODEL|LLM_MODEL_PATH|LLM_PROMPT_FORMAT|WIKI_API_URL|CHUNK_\w+|THINK_ROUNDS|TRAIN_\w+|FUSION|RETRIEVAL_\w+)$/;
  return Object.fromEntries(
    Object.entries(env).filter(
      ([k, v]) => names.test(k) && v !== undefined && !/KEY|PASSWORD|SECRET/.test(k),
    ) as [string, string][],
  );
}
