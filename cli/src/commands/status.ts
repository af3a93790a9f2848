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
    `Knowledge  articles ${r.knowledge.articles} · chunks ${n(r.knowledge.chunks)} · memories ${n(r.knowledge.memories)} · chat turns ${n(r.knowledge.chat_turns)}`,
    `Queues     crawl ${r.queues.crawl} · gaps ${r.queues.gaps} · train pool ${r.queues.train_pool} · pads open ${r.queues.pads_open}`,
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
