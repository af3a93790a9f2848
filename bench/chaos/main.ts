/**
 * bench/chaos — issue #7's chaos run with its figures: services as separate processes, kill -9 of a
 * random one every few seconds, Redis killed and restarted once, crawl requests throughout; then
 * the exact set of articles, duplicate chunks or nodes, events left pending, dead letters.
 * Exit code 1 when a property does not hold.
 * Usage: npm run bench:chaos -- [--pages 400] [--requests 1000] [--send-s 60] [--kill-every-ms 3000]
 *        [--drain-s 180] [--latency-ms 20] [--json]
 */
import { parseArgs } from "node:util";
import { runChaos } from "./chaos.ts";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "400" },
    requests: { type: "string", default: "1000" },
    "send-s": { type: "string", default: "60" },
    "kill-every-ms": { type: "string", default: "3000" },
    "drain-s": { type: "string", default: "180" },
    "latency-ms": { type: "string", default: "20" },
    json: { type: "boolean", default: false },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);

const report = await runChaos({
  pages: num("pages"),
  requests: num("requests"),
  sendMs: num("send-s") * 1000,
  killEveryMs: num("kill-every-ms"),
  drainTimeoutMs: num("drain-s") * 1000,
  latencyMs: num("latency-ms"),
  onLine: (line) => process.stderr.write(`${line}\n`),
});

if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const totalKills = Object.values(report.kills).reduce((a, b) => a + b, 0);
  const dead = Object.entries(report.dead_letters).filter(([, n]) => n > 0);
  process.stdout.write(
    [
      "",
      `chaos: ${report.requests} crawl requests for ${report.pages} articles over ${report.chaos_s.toFixed(1)} s`,
      `  kills (SIGKILL)      ${totalKills}: ${Object.entries(report.kills)
        .map(([s, n]) => `${s} ${n}`)
        .join(", ")}`,
      `  redis restarts       ${report.redis_restarts} (SIGKILL, AOF replayed)`,
      `  caught up after      ${report.catch_up_s === null ? "NEVER (timed out)" : `${report.catch_up_s.toFixed(1)} s`}`,
      `  articles             ${report.nodes} of ${report.pages} (missing ${report.missing_titles.length}, unexpected ${report.unexpected_titles.length})`,
      `  chunks               ${report.chunks}; consistency differences ${report.consistency_differences}${report.first_differences.map((d) => `\n    ${d}`).join("")}`,
      `  events pending       ${report.pending_left}`,
      `  dead letters         ${dead.length === 0 ? "0" : dead.map(([s, n]) => `${s} ${n}`).join(", ")}`,
      `  crawl jobs failed    ${report.crawl_jobs_failed}`,
      `  graph:add entries    ${report.graph_add_entries} (repeats are redeliveries and re-reads; absorbed)`,
      `  result               ${report.ok ? "PASS" : "FAIL"}`,
      "",
    ].join("\n"),
  );
}
process.exitCode = report.ok ? 0 : 1;
