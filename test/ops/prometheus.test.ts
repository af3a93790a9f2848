import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Lumina, metricsPortVar, SERVICES, startLumina } from "@lumina/cli";
import { freePort, type RedisServerHandle, fixture, startRedisServer, waitFor } from "@lumina/testing";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { DASHBOARDS, dashboardFiles } from "../../ops/grafana/dashboards.ts";

// The repo's Prometheus config, alert rules and Grafana dashboards against a real Prometheus (Debian's
// `prometheus` package) scraping a real one-process Lumina that has done a little of everything.
const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const installed = await run("sh", ["-c", "command -v prometheus && command -v promtool"]).then(
  () => true,
  () => false,
);
if (!installed)
  console.warn("test/ops/prometheus: SKIPPED — install Debian's `prometheus` package to run it");

describe("Grafana dashboards", () => {
  it("are generated from ops/grafana/dashboards.ts (run `npm run dashboards` after editing it)", async () => {
    for (const [name, text] of Object.entries(dashboardFiles()))
      expect(await readFile(join(root, "ops/grafana/dashboards", name), "utf8"), name).toBe(text);
  });
  it("include the seed's System Health panels", () => {
    const health = DASHBOARDS.find((d) => d.title === "Lumina System Health");
    expect(health?.panels.map((p) => p.title)).toEqual(
      expect.arrayContaining(["Generation latency p95", "Crawl queue depth", "Indexing QPS (vectors/s)"]),
    );
  });
});

describe.skipIf(!installed)("promtool", () => {
  it("accepts prometheus.yml and the alert rules, and the rules pass their unit tests", async () => {
    await run("promtool", ["check", "config", "prometheus.yml"], { cwd: root });
    const { stdout } = await run("promtool", ["test", "rules", "alerts.test.yml"], {
      cwd: join(root, "ops/prometheus"),
    });
    expect(stdout).toContain("SUCCESS");
  });
});

describe.skipIf(!installed)("a real Prometheus scraping a real Lumina", () => {
  let redisServer: RedisServerHandle;
  let redis: Redis;
  let wiki: WikiFixture;
  let lumina: Lumina;
  let dir: string;
  let prometheus: ReturnType<typeof spawn> | undefined;
  let api = "";

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);
    wiki = await startWikiFixture({ corpus: Corpus.bundled() });
    dir = await mkdtemp(join(tmpdir(), "lumina-prometheus-"));
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      LOG_LEVEL: "silent",
      WIKI_API_URL: wiki.apiUrl,
      EMBEDDER: "hashing",
      CHAT_PORT: "0",
      WS_PORT: "0",
      MEMORY_PORT: "0",
      CRAWL_QUEUE_POLL_MS: "50",
      LLM_MODEL_PATH: fixture("models/stories260K.gguf"),
      LLM_PROMPT_FORMAT: "plain",
      LLM_CONTEXT: "1024",
      LLM_THREADS: "1",
      MAX_TOKENS: "16",
      TRAIN_BATCH: "1",
      TRAIN_CHECK_S: "0.5",
      TRAIN_CMD: "echo not-a-gguf > {output}", // trains "successfully"; the rag-worker refuses the file
    };
    for (const s of SERVICES) env[metricsPortVar(s.NAME)] = "0";
    lumina = await startLumina(env, {
      REDIS_URL: redisServer.url,
      DATA_DIR: join(dir, "data"),
      LOCAL_REDIS_PORT: 0,
    });

    // A little of everything, so that every labelled series exists.
    const chat = lumina.services.find((s) => s.name === "rag-worker")?.urls.chat as string;
    // The wiki busy past the client's own 4 tries: with two fetches at once, 8 failures make at least
    // one fetch fail (crawl_errors_total), to be retried by the crawl queue.
    wiki.failNext(8, 503, 0);
    for (const t of ["Bodmin", "Goryeo ware", "No such article at all"])
      await redis.xadd("crawl:req", "*", "url", t);
    await waitFor("articles read", async () => (await redis.scard("kg:nodes")) >= 2, { timeoutMs: 60_000 });
    await redis.xadd("crawl:req", "*", "url", "Bodmin"); // read already: skipped
    for (const query of ["Where is Bodmin?", "What is the airspeed of a swallow?"])
      await fetch(`${chat}/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, session: "prom" }),
      });
    await waitFor("an adapter announced", async () => (await redis.xlen("adapter:updated")) > 0, {
      timeoutMs: 30_000,
    });

    // Prometheus on the repo's config, with each target pointed at the service's real port.
    const config = parse(await readFile(join(root, "prometheus.yml"), "utf8")) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const ports = new Map(lumina.services.map((s) => [s.name, new URL(s.urls.metrics as string).port]));
    config.global = { scrape_interval: "1s", evaluation_interval: "1s" };
    config.rule_files = config.rule_files.map((f) => join(root, f));
    for (const sc of config.scrape_configs[0]?.static_configs ?? [])
      sc.targets = sc.targets.map((t) => `127.0.0.1:${ports.get(t.split(":")[0] as string)}`);
    await writeFile(join(dir, "prometheus.yml"), stringify(config));
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: "ignore" },
    );
    await waitFor(
      "prometheus ready",
      () =>
        fetch(`${api}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      {
        timeoutMs: 30_000,
      },
    );
  }, 120_000);

  afterAll(async () => {
    prometheus?.kill("SIGTERM");
    await lumina?.stop();
    redis?.disconnect();
    await wiki?.close();
    await redisServer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const query = async (q: string) => {
    const body = (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(q)}`).then((r) =>
      r.json(),
    )) as {
      status: string;
      error?: string;
      data?: { result: unknown[] };
    };
    return { ok: body.status === "success", error: body.error, series: body.data?.result.length ?? 0 };
  };

  it("scrapes every service: every target is up", async () => {
    await waitFor(
      "8 targets up",
      async () => {
        const { data } = (await fetch(`${api}/api/v1/targets`).then((r) => r.json())) as {
          data: { activeTargets: { health: string; labels: { service: string } }[] };
        };
        return (
          data.activeTargets.length === SERVICES.length && data.activeTargets.every((t) => t.health === "up")
        );
      },
      { timeoutMs: 30_000 },
    );
    const up = await query('sum(up{job="lumina"})');
    expect(up.ok).toBe(true);
  });

  it("answers every dashboard expression with series", async () => {
    const exprs = DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => Object.keys(p.exprs)));
    let empty: string[] = exprs;
    let failed: string[] = [];
    await waitFor(
      "every expression has series",
      async () => {
        const results = await Promise.all(exprs.map(async (e) => ({ e, r: await query(e) })));
        failed = results.filter(({ r }) => !r.ok).map(({ e, r }) => `${e}: ${r.error}`);
        empty = results.filter(({ r }) => r.ok && r.series === 0).map(({ e }) => e);
        return failed.length > 0 || empty.length === 0; // a parse error never heals: stop at once
      },
      { timeoutMs: 40_000, intervalMs: 1_000 },
    ).catch(() => undefined);
    expect(failed).toEqual([]);
    expect(empty).toEqual([]);
  }, 60_000);

  it("loads and evaluates every alert rule, and every series the rules read exists", async () => {
    type Rules = { data: { groups: { rules: { name: string; health: string; query: string }[] }[] } };
    const { data } = (await fetch(`${api}/api/v1/rules`).then((r) => r.json())) as Rules;
    const rules = data.groups.flatMap((g) => g.rules);
    const file = parse(await readFile(join(root, "ops/prometheus/alerts.yml"), "utf8")) as {
      groups: { rules: { alert: string }[] }[];
    };
    expect(rules.map((r) => r.name).sort()).toEqual(
      file.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort(),
    );
    await waitFor(
      "rules evaluated",
      async () => {
        const again = (await fetch(`${api}/api/v1/rules`).then((r) => r.json())) as Rules;
        return again.data.groups.flatMap((g) => g.rules).every((r) => r.health === "ok");
      },
      { timeoutMs: 20_000 },
    );
    const metrics = new Set(
      rules.flatMap((r) => r.query.match(/\b[a-z_]+_(?:total|rate|bucket)\b|\bup\b/g) ?? []),
    );
    expect(metrics.size).toBeGreaterThanOrEqual(6);
    for (const m of metrics) expect((await query(m)).series, m).toBeGreaterThan(0);
  }, 40_000);
});
