import { join, resolve } from "node:path";
import { loadConfig } from "@lumina/config";
import { loadEmbedder } from "@lumina/embeddings";
import { CONFIG, METRICS_PORT, reindex } from "@lumina/indexer";
import { serviceConfig } from "@lumina/runtime";
import { openVectorStore } from "@lumina/vectors";
import { runningLumina } from "../runner-lock.ts";

/**
 * `lumina reindex`: rebuilds collection `chunks` from DATA_DIR/graphs/articles with the embedder and
 * vector store the indexer is configured with (after changing EMBEDDER, or to recover the store).
 * Refused while Lumina runs on the same DATA_DIR: the indexer writes the same collection, and answers
 * would fail while it is rebuilt. Exit codes: 0 done, 75 Lumina is running, 78 bad configuration.
 */
export async function reindexCommand(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig("lumina reindex", serviceConfig(METRICS_PORT, CONFIG), env);
  const running = await runningLumina(config.DATA_DIR);
  if (running) {
    process.stderr.write(
      `lumina reindex: Lumina is running (pid ${running.pid}) on ${resolve(config.DATA_DIR)}: stop it first ` +
        "(the indexer writes the same collection, and /chat would fail while it is rebuilt).\n",
    );
    return 75;
  }
  const graphsDir = join(config.DATA_DIR, "graphs");
  const embedder = await loadEmbedder(config);
  const store = await openVectorStore(config);
  const started = Date.now();
  process.stdout.write(
    `reindex: rebuilding collection chunks (${store.kind}) from ${graphsDir}/articles with ${embedder.modelId}.\n` +
      "  Lumina must not be running: the indexer writes the same collection.\n",
  );
  try {
    const done = await reindex({
      graphsDir,
      store,
      embedder,
      chunkChars: config.CHUNK_CHARS,
      overlapChars: config.CHUNK_OVERLAP_CHARS,
      onProgress: (p) => {
        const rate = p.articles / Math.max(0.001, (Date.now() - started) / 1000);
        process.stdout.write(
          `reindex: ${p.articles}/${p.total} articles, ${p.chunks} chunks (${rate.toFixed(1)} articles/s)\n`,
        );
      },
    });
    process.stdout.write(
      `reindex: done, ${done.articles} articles, ${done.chunks} chunks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await store.close();
    await embedder.close();
  }
}
