import { describe, expect, it } from "vitest";
import { runChaos } from "../../bench/chaos/chaos.ts";

// Issue #7, chaos: a shorter run of `npm run bench:chaos` (which does 1,000 requests; figures in
// docs/reliability.md). Services as separate processes, one killed with SIGKILL every 1.5 s while
// 300 crawl requests for 120 articles arrive over 20 s, Redis killed and restarted once.
describe("chaos: kill -9 of random services and of Redis while crawling", () => {
  it("ends with exactly the expected articles, no duplicate, nothing pending, no dead letter", async () => {
    const lines: string[] = [];
    const report = await runChaos({
      pages: 120,
      requests: 300,
      sendMs: 20_000,
      killEveryMs: 1_500,
      drainTimeoutMs: 120_000,
      latencyMs: 30,
      onLine: (line) => lines.push(line),
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    const kills = Object.values(report.kills).reduce((a, b) => a + b, 0);
    expect(kills, lines.join("\n")).toBeGreaterThanOrEqual(8); // the chaos did happen
    expect(report.redis_restarts).toBe(1);
    expect(report.catch_up_s, lines.join("\n")).not.toBeNull();
    expect(report).toMatchObject({
      nodes: 120,
      missing_titles: [],
      unexpected_titles: [],
      consistency_differences: 0,
      pending_left: 0,
      crawl_jobs_failed: 0,
    });
    expect(
      Object.values(report.dead_letters).every((n) => n === 0),
      JSON.stringify(report.dead_letters),
    ).toBe(true);
    expect(report.chunks).toBeGreaterThanOrEqual(120 * 3);
    expect(report.ok).toBe(true);
  }, 240_000);
});
