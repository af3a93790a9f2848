/**
 * The Grafana dashboards, defined here and written as JSON into ops/grafana/dashboards/ (provisioned by
 * provisioning/dashboards/lumina.yml). Edit this file, then `npm run dashboards`; a test checks that
 * the JSON is up to date and that every expression returns series from a real Prometheus.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Panel {
  title: string;
  /** PromQL → legend */
  exprs: Record<string, string>;
  unit?: string;
  kind?: "timeseries" | "stat";
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}

const p95 = (histogram: string, by = "") =>
  `histogram_quantile(0.95, sum by (le${by ? `, ${by}` : ""}) (rate(${histogram}_bucket[5m])))`;

export const DASHBOARDS: Dashboard[] = [
  {
    uid: "lumina-health",
    title: "Lumina System Health",
    panels: [
      { title: "Generation latency p95", exprs: { [p95("chat_latency_seconds")]: "p95" }, unit: "s" },
      { title: "Crawl queue depth", exprs: { crawl_queue_depth: "depth" } },
      { title: "Indexing QPS (vectors/s)", exprs: { "sum(rate(vectors_indexed_total[1m]))": "vectors/s" } },
      { title: "Services up", exprs: { 'up{job="lumina"}': "{{service}}" }, kind: "stat" },
    ],
  },
  {
    uid: "lumina-crawl",
    title: "Lumina / Crawl",
    panels: [
      {
        title: "Articles ingested/s",
        exprs: { "sum by (source) (rate(articles_ingested_total[5m]))": "{{source}}" },
      },
      { title: "Fetch + parse p95", exprs: { [p95("crawl_fetch_duration_seconds")]: "p95" }, unit: "s" },
      { title: "Crawl errors/s", exprs: { "sum by (kind) (rate(crawl_errors_total[5m]))": "{{kind}}" } },
      { title: "Skipped/s", exprs: { "sum by (reason) (rate(crawl_skipped_total[5m]))": "{{reason}}" } },
      { title: "Queue depth", exprs: { crawl_queue_depth: "depth" } },
      {
        title: "Planner",
        exprs: {
          "sum by (reason) (rate(auto_crawl_req_total[5m]))": "crawl:req/s {{reason}}",
          planner_crawl_budget_remaining: "budget left",
          planner_gaps: "gaps waiting",
        },
      },
    ],
  },
  {
    uid: "lumina-index",
    title: "Lumina / Index",
    panels: [
      { title: "Vectors indexed/s", exprs: { "sum(rate(vectors_indexed_total[5m]))": "vectors/s" } },
      { title: "Articles indexed/s", exprs: { "sum(rate(articles_indexed_total[5m]))": "articles/s" } },
      { title: "Embedding batch p95", exprs: { [p95("embedding_batch_seconds")]: "p95" }, unit: "s" },
      {
        title: "Embedding pool: jobs waiting",
        exprs: { "sum by (lane) (embed_pool_queued_jobs)": "{{lane}}" },
      },
      {
        title: "Embedding pool: texts embedded/s",
        exprs: { "sum by (lane) (rate(embed_pool_texts_total[5m]))": "{{lane}}" },
      },
      { title: "Knowledge graph nodes", exprs: { graph_nodes: "nodes" } },
      {
        title: "Gaps detected/s",
        exprs: { "sum by (reason) (rate(gaps_detected_total[5m]))": "{{reason}}" },
      },
    ],
  },
  {
    uid: "lumina-chat",
    title: "Lumina / Retrieval and chat",
    panels: [
      {
        title: "Requests/s",
        exprs: { "sum by (api, outcome) (rate(chat_requests_total[5m]))": "{{api}} {{outcome}}" },
      },
      {
        title: "Chat latency",
        exprs: {
          [p95("chat_latency_seconds", "api")]: "p95 {{api}}",
          [p95("chat_overhead_seconds")]: "overhead p95 (no generation)",
        },
        unit: "s",
      },
      { title: "Retrieval latency p95", exprs: { [p95("retrieval_latency_seconds")]: "p95" }, unit: "s" },
      {
        title: "Retrieval hit ratio",
        exprs: { retrieval_hit_ratio: "hit ratio", gap_hit_rate: "gap hit rate" },
        unit: "percentunit",
      },
      {
        title: "Confidence p50",
        exprs: { "histogram_quantile(0.5, sum by (le) (rate(chat_confidence_bucket[15m])))": "p50" },
      },
      {
        title: "Memory and gaps",
        exprs: {
          "sum(rate(chat_memory_hits_total[5m]))": "memory hits/s",
          "sum by (reason) (rate(chat_gaps_published_total[5m]))": "gap:req/s {{reason}}",
        },
      },
      {
        title: "Tokens generated/s",
        exprs: { "sum by (priority) (rate(llm_tokens_generated_total[5m]))": "{{priority}}" },
      },
    ],
  },
  {
    uid: "lumina-reflection",
    title: "Lumina / Reflection",
    panels: [
      { title: "Notes/s", exprs: { "sum by (writer) (rate(scratch_notes_total[5m]))": "{{writer}}" } },
      {
        title: "Pads created and compressed",
        exprs: { "sum(pads_created_total)": "created", "sum(pads_compressed_total)": "compressed" },
      },
      { title: "Pad compression p95", exprs: { [p95("pad_compression_seconds")]: "p95" }, unit: "s" },
    ],
  },
  {
    uid: "lumina-training",
    title: "Lumina / Training",
    panels: [
      {
        title: "Training samples",
        exprs: { "sum(chat_lora_samples_total)": "pooled", "sum(training_samples_total)": "in datasets" },
      },
      { title: "Training runs", exprs: { "sum by (result) (chat_lora_train_events_total)": "{{result}}" } },
      {
        title: "Adapter version",
        exprs: { "max by (service) (adapter_version)": "{{service}}" },
        kind: "stat",
      },
      { title: "Adapter swaps", exprs: { "sum by (result) (adapter_swaps_total)": "{{result}}" } },
    ],
  },
  {
    uid: "lumina-memory",
    title: "Lumina / Memory of users",
    panels: [
      { title: "Chat turns remembered/s", exprs: { "sum(rate(memory_turns_total[5m]))": "turns/s" } },
      {
        title: "Extractions/s by writer",
        exprs: { "sum by (writer) (rate(memory_extractions_total[5m]))": "{{writer}}" },
      },
      {
        title: "Relationship levels crossed",
        exprs: {
          "sum by (persona, direction) (memory_affinity_level_changes_total)": "{{persona}} {{direction}}",
        },
      },
    ],
  },
  {
    uid: "lumina-bus",
    title: "Lumina / Bus",
    panels: [
      { title: "Stream length", exprs: { bus_stream_length: "{{stream}}" } },
      {
        title: "Pending (delivered, not acknowledged)",
        exprs: { bus_stream_pending: "{{stream}} / {{group}}" },
      },
      { title: "Lag (not delivered yet)", exprs: { bus_stream_lag: "{{stream}} / {{group}}" } },
      { title: "Dead letters", exprs: { bus_dead_letters: "{{stream}}" } },
      {
        title: "Events/s",
        exprs: {
          "sum by (stream) (rate(bus_events_published_total[5m]))": "published {{stream}}",
          "sum by (stream) (rate(bus_events_consumed_total[5m]))": "consumed {{stream}}",
        },
      },
      {
        title: "Handler p95",
        exprs: { [p95("bus_handler_duration_seconds", "stream")]: "{{stream}}" },
        unit: "s",
      },
    ],
  },
];

const DATASOURCE = { type: "prometheus", uid: "lumina-prometheus" };

function toGrafana(d: Dashboard) {
  return {
    uid: d.uid,
    title: d.title,
    tags: ["lumina"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    refresh: "10s",
    time: { from: "now-1h", to: "now" },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: p.kind ?? "timeseries",
      title: p.title,
      datasource: DATASOURCE,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      fieldConfig: { defaults: { unit: p.unit ?? "short" }, overrides: [] },
      targets: Object.entries(p.exprs).map(([expr, legendFormat], k) => ({
        refId: String.fromCharCode(65 + k),
        datasource: DATASOURCE,
        expr,
        legendFormat,
      })),
    })),
  };
}

/** The JSON file contents by file name. */
export const dashboardFiles = (): Record<string, string> =>
  Object.fromEntries(DASHBOARDS.map((d) => [`${d.uid}.json`, `${JSON.stringify(toGrafana(d), null, 2)}\n`]));

if (process.argv[1]?.endsWith("dashboards.ts")) {
  const dir = join(import.meta.dirname, "dashboards");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(dashboardFiles())) writeFileSync(join(dir, name), text);
  console.log(`wrote ${DASHBOARDS.length} dashboards to ${dir}`);
}
