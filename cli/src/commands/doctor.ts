import { access } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeRedis, connectRedis } from "@lumina/bus";
import { loadConfig } from "@lumina/config";
import * as crawler from "@lumina/crawler";
import { loadEmbedder } from "@lumina/embeddings";
import * as indexer from "@lumina/indexer";
import type { VerifyReport } from "@lumina/indexer";
import * as ragWorker from "@lumina/rag-worker";
import { serviceConfig } from "@lumina/runtime";
import { MissingPageError, WikiSource } from "@lumina/wiki";
import { openVectorStore } from "@lumina/vectors";
import type { TObject } from "@sinclair/typebox";
import { redactUrl, redisUrlFrom } from "../connect.ts";
import { messageOf } from "@lumina/errors";
import { COLLECTIONS } from "@lumina/events";
import { defaultLlmPath } from "@lumina/llm/default-model";

export interface Finding {
  name: string;
  /** ok; warn: works, in a degraded way; fail: does not work */
  status: "ok" | "warn" | "fail";
  latency_ms?: number;
  detail: string;
  fix?: string;
}

const TIMEOUT_MS = 5_000;

/** A service's whole configuration (base variables included) from `env`, as the service reads it. */
function configOf<S extends TObject>(
  mod: { NAME: string; METRICS_PORT: number; CONFIG: S },
  env: NodeJS.ProcessEnv,
) {
  return loadConfig(`lumina doctor (${mod.NAME})`, serviceConfig(mod.METRICS_PORT, mod.CONFIG), env);
}

/**
 * `lumina doctor [--json]`: tests each connection Lumina needs — Redis, the vector store, the embedder,
 * the language model, the Wikipedia API — and prints its latency, or the failure and how to fix it.
 * `--verify` also checks that the article files, the knowledge graph, the vector store and the journal
 * agree (see verifyConsistency) and lists every difference.
 * Exit codes: 0 nothing failed (warnings allowed) and no difference, 1 something failed or differs.
 */
export async function doctor(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" }, verify: { type: "boolean" } },
  });
  const findings: Finding[] = [];
  for (const check of [checkRedis, checkVectorStore, checkEmbedder, checkLlm, checkWiki]) {
    const finding = await check(env).catch((err: unknown): Finding => ({
      name: check.name.replace(/^check/, "").toLowerCase(),
      status: "fail",
      detail: String(err),
    }));
    findings.push(finding);
    if (!values.json) process.stdout.write(line(finding));
  }
  const failed = findings.some((f) => f.status === "fail");
  // The consistency check needs Redis and the vector store; after a failed connection it can only fail.
  const verify = values.verify && !failed ? await verifyStores(env) : undefined;
  const skipped =
    values.verify && failed
      ? `not run: ${findings
          .filter((f) => f.status === "fail")
          .map((f) => f.name)
          .join(", ")} failed, and the consistency check reads them; fix that first`
      : undefined;
  if (verify && !values.json) process.stdout.write(verifyText(verify));
  if (skipped && !values.json) process.stdout.write(`\nverify: ${skipped}\n`);
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ version: 1, findings, ...(verify ? { verify } : {}), ...(skipped ? { verify_skipped: skipped } : {}) }, null, 2)}\n`,
    );
  return failed || (verify?.differences.length ?? 0) > 0 ? 1 : 0;
}

/** `--verify`: do the article files, the knowledge graph, the vector store and the journal agree? */
async function verifyStores(env: NodeJS.ProcessEnv): Promise<VerifyReport> {
  const config = configOf(indexer, env);
  const redis = connectRedis(redisUrlFrom(env), "lumina-doctor");
  const store = await openVectorStore(config);
  try {
    return await indexer.verifyConsistency({
      graphsDir: join(config.DATA_DIR, "graphs"),
      store,
      redis,
      chunkChars: config.CHUNK_CHARS,
      overlapChars: config.CHUNK_OVERLAP_CHARS,
    });
  } finally {
    await store.close();
    await closeRedis(redis);
  }
}

function verifyText(report: VerifyReport): string {
  const lines = [
    `${report.differences.length === 0 ? "✓" : "✗"} ${"consistency".padEnd(12)}${report.articles} article files, ` +
      `${report.nodes} graph nodes, ${report.chunks} chunks, ${report.journal_lines} journalled revisions: ` +
      `${report.differences.length} differences`,
  ];
  for (const d of report.differences.slice(0, 50))
    lines.push(
      `    ${d.kind.padEnd(16)} ${d.title ? `${d.title} (page ${d.page_id ?? "?"}): ` : ""}${d.detail}`,
    );
  if (report.differences.length > 50)
    lines.push(`    … ${report.differences.length - 50} more (--json lists all)`);
  if (report.differences.length > 0)
    lines.push(
      "    fix: let Lumina finish what it is doing (in-flight articles differ until indexed) and check again; " +
        "chunk differences: stop Lumina and run `lumina reindex` (rebuilds the vector store from DATA_DIR/graphs)",
    );
  return `${lines.join("\n")}\n`;
}

function line(f: Finding): string {
  const mark = { ok: "✓", warn: "!", fail: "✗" }[f.status];
  const ms = f.latency_ms === undefined ? "" : ` ${f.latency_ms.toFixed(1)} ms`;
  return `${mark} ${f.name.padEnd(12)}${ms}  ${f.detail}\n${f.fix ? `    fix: ${f.fix}\n` : ""}`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await Promise.race([
    fn(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);
  return { value, ms: Math.round((performance.now() - started) * 10) / 10 }; // 0.1 ms is plenty
}

async function checkRedis(env: NodeJS.ProcessEnv): Promise<Finding> {
  const url = redisUrlFrom(env);
  let cause: string | undefined; // the connection's own error (refused, DNS, auth) says more than a timeout
  const redis = connectRedis(url, "lumina-doctor", (err) => {
    cause = err.message;
  });
  try {
    const { ms } = await timed(() => redis.ping());
    return { name: "redis", status: "ok", latency_ms: ms, detail: redactUrl(url) };
  } catch (err) {
    return {
      name: "redis",
      status: "fail",
      detail: `cannot reach ${redactUrl(url)}: ${cause ?? messageOf(err)}`,
      fix: env.REDIS_URL
        ? "start the Redis at REDIS_URL, or unset REDIS_URL and run `npm start` (it starts its own redis-server)"
        : "run `npm start` (it starts redis-server on LOCAL_REDIS_PORT), or set REDIS_URL to a running Redis; install it with `sudo apt-get install -y redis-server`",
    };
  } finally {
    await closeRedis(redis);
  }
}

async function checkVectorStore(env: NodeJS.ProcessEnv): Promise<Finding> {
  const config = configOf(indexer, env);
  try {
    const { value: chunks, ms } = await timed(async () => {
      const store = await openVectorStore(config);
      try {
        return await store.count(COLLECTIONS.chunks);
      } finally {
        await store.close();
      }
    });
    const where = config.VECTOR_STORE === "qdrant" ? config.QDRANT_URL : join(config.DATA_DIR, "vectors");
    return {
      name: "vectors",
      status: "ok",
      latency_ms: ms,
      detail: `${config.VECTOR_STORE} at ${where}: ${chunks} chunks`,
    };
  } catch (err) {
    return {
      name: "vectors",
      status: "fail",
      detail: `${config.VECTOR_STORE}: ${messageOf(err)}`,
      fix:
        config.VECTOR_STORE === "qdrant"
          ? "start Qdrant at QDRANT_URL (docker compose up qdrant), or set VECTOR_STORE=lancedb for the embedded store"
          : `make DATA_DIR (${config.DATA_DIR}) writable, or point DATA_DIR elsewhere`,
    };
  }
}

async function checkEmbedder(env: NodeJS.ProcessEnv): Promise<Finding> {
  const config = configOf(indexer, env);
  try {
    const embedder = await loadEmbedder(config);
    try {
      const { ms } = await timed(() => embedder.embed(["Lumina doctor"]));
      return {
        name: "embedder",
        status: embedder.fallback ? "warn" : "ok",
        latency_ms: ms,
        detail: `${embedder.modelId} (${embedder.dimension} d)${embedder.fallback ? ", a lexical stand-in, not a semantic model" : ""}`,
        ...(embedder.fallback
          ? { fix: "set EMBEDDER=auto or use-lite (offline), or gguf with `lumina models pull`" }
          : {}),
      };
    } finally {
      await embedder.close();
    }
  } catch (err) {
    return {
      name: "embedder",
      status: "fail",
      detail: `${config.EMBEDDER}: ${messageOf(err)}`,
      fix: "check EMBED_MODEL_PATH (`lumina models pull`), EMBED_BASE_URL and EMBED_API_KEY, or set EMBEDDER=use-lite",
    };
  }
}

async function checkLlm(env: NodeJS.ProcessEnv): Promise<Finding> {
  const config = configOf(ragWorker, env);
  const base = config.LLM_BASE_URL;
  if (base) {
    try {
      const { value: res, ms } = await timed(() =>
        fetch(`${base.replace(/\/+$/, "")}/models`, {
          headers: config.LLM_API_KEY ? { authorization: `Bearer ${config.LLM_API_KEY}` } : {},
        }),
      );
      if (!res.ok) throw new Error(`GET /models answered ${res.status}`);
      return {
        name: "llm",
        status: "ok",
        latency_ms: ms,
        detail: `${config.LLM_MODEL} at ${config.LLM_BASE_URL}`,
      };
    } catch (err) {
      return {
        name: "llm",
        status: "fail",
        detail: `${config.LLM_BASE_URL}: ${messageOf(err)}`,
        fix: "start the model server at LLM_BASE_URL (and check LLM_API_KEY), or unset LLM_BASE_URL to use a local GGUF",
      };
    }
  }
  const path = config.LLM_MODEL_PATH || defaultLlmPath(config.DATA_DIR);
  const present = await access(path).then(
    () => true,
    () => false,
  );
  if (present)
    return { name: "llm", status: "ok", detail: `GGUF ${path} (loaded by the rag-worker at start)` };
  if (config.LLM_MODEL_PATH)
    return {
      name: "llm",
      status: "fail",
      detail: `LLM_MODEL_PATH ${path} does not exist`,
      fix: "download it with `lumina models pull`, or fix LLM_MODEL_PATH",
    };
  return {
    name: "llm",
    status: "warn",
    detail: "no model: answers are extractive quotes from the sources",
    fix: "`lumina models pull` (Phi-2 into DATA_DIR/models), or set LLM_MODEL_PATH or LLM_BASE_URL",
  };
}

async function checkWiki(env: NodeJS.ProcessEnv): Promise<Finding> {
  const config = configOf(crawler, env);
  const wiki = new WikiSource({ apiUrl: config.WIKI_API_URL, contact: config.WIKI_CONTACT, maxAttempts: 1 });
  try {
    const { ms } = await timed(() =>
      wiki.fetchArticle("Wikipedia").catch((err: unknown) => {
        if (err instanceof MissingPageError) return undefined; // the API answered
        throw err;
      }),
    );
    return { name: "wikipedia", status: "ok", latency_ms: ms, detail: config.WIKI_API_URL };
  } catch (err) {
    return {
      name: "wikipedia",
      status: "fail",
      detail: `${config.WIKI_API_URL}: ${messageOf(err)}`,
      fix: "check the network or WIKI_API_URL; offline, run `lumina wiki serve` and set WIKI_API_URL to the URL it prints",
    };
  }
}
