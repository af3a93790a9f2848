import { closeRedis, connectRedis } from "@lumina/bus";
import { timedCheck } from "@lumina/observability";
import { parseArgs } from "node:util";
import { redactUrl, redisUrlFrom } from "../connect.ts";
import { collectStatus } from "../status/collect.ts";
import type { StatusReport } from "../status/schema.ts";

/**
 * `lumina status [--json]`: queue depths, streams (length, pending and lag per group, dead letters),
 * what Lumina knows, the model and adapter in use, and every service's /readyz. Exit codes: 0 every
 * service up and ready, 1 some service down or not ready, 69 Redis unreachable.
 */
export async function status(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" } } });
  const url = redisUrlFrom(env);
  const redis = connectRedis(url, "lumina-status", () => {});
  try {
    const ping = await timedCheck(() => redis.ping(), 2_000);
    const report = await collectStatus(redis, env, {
      url: redactUrl(url),
      ok: ping.ok,
      ...(ping.ok ? { latency_ms: ping.latency_ms ?? 0 } : { error: ping.detail ?? "unreachable" }),
    });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
    if (!report.redis.ok) return 69;
    return report.services.every((s) => s.up && s.ready) ? 0 : 1;
  } finally {
    await closeRedis(redis);
  }
}

function render(r: StatusReport): string {
  const n = (v: number | null) => (v === null ? "?" : String(v));
  const lines = [
    `Redis      ${r.redis.url}  ${r.redis.ok ? `ok (${r.redis.latency_ms?.toFixed(1)} ms)` : `UNREACHABLE: ${r.redis.error}`}`,
    `Knowledge  articles ${n(r.knowledge.articles)} · chunks ${n(r.knowledge.chunks)} · memories ${n(r.knowledge.memories)} · chat turns ${n(r.knowledge.chat_turns)}`,
    `Queues     crawl ${r.queues.crawl} · gaps ${r.queues.gaps} · train pool ${r.queues.train_pool} · pads open ${r.queues.pads_open}`,
    ...renderPlan(r.plan),
    `Model      llm ${r.model.llm ?? "?"} · adapter ${r.model.adapter ?? "?"} · embedder ${r.model.embedder ?? "?"}`,
    "Streams    (length, dead letters, pending/lag per group)",
    ...r.streams.map(
      (s) =>
        `  ${s.name.padEnd(16)} ${String(s.length).padStart(7)}  dlq ${String(s.dead_letters).padStart(4)}  ` +
        (s.groups.map((g) => `${g.name} ${g.pending}/${g.lag ?? "?"}`).join(", ") || "no consumer group"),
    ),
    "Services",
    ...r.services.map(
      (s) =>
        `  ${s.name.padEnd(11)} ${(s.up ? (s.ready ? "ready" : "NOT READY") : "DOWN").padEnd(9)} ${s.url}` +
        (s.fallbacks.length > 0 ? `  (${s.fallbacks.join("; ")})` : ""),
    ),
  ];
  return `${lines.join("\n")}\n`;
}

const short = (x: number) => (x >= 0.01 || x === 0 ? x.toFixed(2) : x.toExponential(1));

/** The top of the planner's queue: each candidate's priority as the product of its four terms. */
function renderPlan(plan: StatusReport["plan"]): string[] {
  if (plan.at === null) return ["Planner    no planning round yet"];
  const ago = Math.max(0, Math.round((Date.now() - Date.parse(plan.at)) / 1000));
  if (plan.candidates.length === 0) return [`Planner    nothing to read next (round ${ago} s ago)`];
  return [
    `Planner    next reads (round ${ago} s ago): priority = PageRank × novelty × recency × relevance`,
    ...plan.candidates.slice(0, 5).map(({ topic, terms: t, held }) => {
      const terms = `${short(t.priority)} = ${short(t.pagerank)} × ${short(t.novelty)} × ${short(t.recency)} × ${short(t.relevance)}`;
      return `  ${topic.slice(0, 40).padEnd(40)} ${terms}${held ? `  (waits: ${held})` : ""}`;
    }),
  ];
}
