import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { KG } from "./knowledge-graph.ts";

/**
 * A recovery point of the knowledge graph: every node with its fields and PageRank, its `page_link`
 * and `semantic` edges, as one JSON file `graphs/snapshots/<ISO time>.json`. Only the newest `keep`
 * snapshots are kept. Returns the file written.
 */
export async function writeSnapshot(
  redis: Redis,
  graphsDir: string,
  keep: number,
  now = new Date(),
): Promise<string> {
  const titles = (await redis.smembers(KG.nodes)).sort();
  const pipe = redis.pipeline();
  for (const t of titles)
    pipe
      .hgetall(KG.node(t))
      .smembers(KG.out(t))
      .zrange(KG.semantic(t), 0, -1, "WITHSCORES")
      .zscore(KG.pagerank, t);
  const replies = (await pipe.exec()) ?? [];
  const nodes = titles.map((title, i) => {
    const semantic = (replies[4 * i + 2]?.[1] as string[] | undefined) ?? [];
    return {
      ...(replies[4 * i]?.[1] as Record<string, string>),
      links: ((replies[4 * i + 1]?.[1] as string[] | undefined) ?? []).sort(),
      semantic: semantic.flatMap((v, j) =>
        j % 2 === 0 ? [{ title: v, score: Number(semantic[j + 1]) }] : [],
      ),
      pagerank: Number(replies[4 * i + 3]?.[1] ?? 0),
    };
  });
  const dir = join(graphsDir, "snapshots");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${now.toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, JSON.stringify({ taken_at: now.toISOString(), nodes }));
  const old = (await readdir(dir))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .slice(0, -keep);
  for (const f of old) await rm(join(dir, f), { force: true });
  return file;
}
