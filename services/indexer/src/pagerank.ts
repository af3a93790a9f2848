import { DirectedGraph } from "graphology";
import pagerankModule from "graphology-metrics/centrality/pagerank.js";
import type { Redis } from "ioredis";
import { KG } from "./knowledge-graph.ts";

// The package is CommonJS (`module.exports = pagerank`) but its types declare an ES default export,
// so under NodeNext the default import is the function itself while TypeScript sees a namespace.
const pagerank = pagerankModule as unknown as typeof pagerankModule.default;

/**
 * Recomputes PageRank over the read articles and the `page_link` edges between them, and publishes it
 * as the ZSET kg:pagerank (title → rank; ranks sum to 1). A full recompute with graphology, run at
 * most every PAGERANK_INTERVAL_MS while articles arrive: linear in edges, milliseconds at 10K nodes.
 */
export async function recomputePageRank(redis: Redis): Promise<number> {
  const titles = await redis.smembers(KG.nodes);
  if (titles.length === 0) return 0;
  const graph = new DirectedGraph();
  for (const t of titles) graph.addNode(t);
  const pipe = redis.pipeline();
  for (const t of titles) pipe.smembers(KG.out(t));
  const outs = (await pipe.exec()) ?? [];
  titles.forEach((source, i) => {
    for (const target of (outs[i]?.[1] as string[] | undefined) ?? []) {
      if (graph.hasNode(target) && !graph.hasEdge(source, target)) graph.addEdge(source, target);
    }
  });
  const ranks = pagerank(graph, { getEdgeWeight: null });
  const args: (string | number)[] = [];
  for (const [title, rank] of Object.entries(ranks)) args.push(rank as number, title);
  await redis
    .multi()
    .del(KG.pagerank)
    .zadd(KG.pagerank, ...args)
    .exec();
  return titles.length;
}
