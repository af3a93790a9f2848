import { readFile } from "node:fs/promises";
import { parseStat } from "./threads.ts";

/** How often the bench's one client asks. */
export const QUESTION_EVERY_MS = 250;

export interface Phase {
  label: string;
  http: number[];
  overhead: number[];
  failed: number;
  /** Why requests failed (status and error, or the fetch error), the first few. */
  failures: string[];
  /** Each stage's durations (the answers' Server-Timing header), ms. */
  stages: Map<string, number[]>;
  /** the process's event-loop delay over the phase (prom-client's default metrics), ms */
  loop?: { p99: number; max: number };
  /** the main thread's garbage-collection pauses over the phase */
  gc?: Gc;
}

/** Garbage-collection pauses of the main thread (prom-client's nodejs_gc_duration_seconds). */
export interface Gc {
  pauses: number;
  seconds: number;
  /** pauses of 10 ms or more */
  long: number;
}

/**
 * The event-loop delay of the process since the last call (prom-client's default metrics read
 * perf_hooks' monitorEventLoopDelay and reset it at every scrape), and its GC pauses so far.
 */
export async function processStats(
  metricsUrl: string,
): Promise<{ loop: { p99: number; max: number }; gc: Gc }> {
  const text = await (await fetch(metricsUrl)).text();
  const read = (name: string) =>
    1000 * Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text)?.[1] ?? NaN);
  // One series per kind of collection (minor, major, incremental, weakcb): summed.
  const sum = (pattern: string) =>
    [...text.matchAll(new RegExp(`^${pattern} (\\S+)$`, "gm"))].reduce((s, m) => s + Number(m[1]), 0);
  const pauses = sum("nodejs_gc_duration_seconds_count\\{[^}]*\\}");
  const short = sum('nodejs_gc_duration_seconds_bucket\\{[^}]*le="0\\.01"[^}]*\\}');
  return {
    loop: { p99: read("nodejs_eventloop_lag_p99_seconds"), max: read("nodejs_eventloop_lag_max_seconds") },
    gc: { pauses, seconds: sum("nodejs_gc_duration_seconds_sum\\{[^}]*\\}"), long: pauses - short },
  };
}

/** Texts the process's embedding pool has embedded so far, by lane (the indexer's `embed_pool_texts_total`). */
export async function poolTexts(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const lanes = text.matchAll(/^embed_pool_texts_total\{[^}]*lane="(\w+)"[^}]*\} (\S+)$/gm);
  return new Map([...lanes].map((m) => [m[1] as string, Number(m[2])]));
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

export function phaseRow(p: Phase): string {
  const ms = (xs: number[], q: number) => `${Math.round(quantile(xs, q))} ms`;
  const failed = p.failed ? ` (+${p.failed} failed)` : "";
  const loop = p.loop ? `${Math.round(p.loop.p99)} / ${Math.round(p.loop.max)} ms` : "—";
  const gc = p.gc ? `${p.gc.pauses} / ${Math.round(p.gc.seconds * 1000)} ms / ${p.gc.long}` : "—";
  return `| ${p.label} | ${p.http.length}${failed} | ${ms(p.http, 0.5)} | ${ms(p.http, 0.95)} | ${ms(p.overhead, 0.5)} | ${ms(p.overhead, 0.95)} | ${loop} | ${gc} |`;
}

/** Asks "What is Synthetic topic i?" every QUESTION_EVERY_MS while `more()` holds. */
export async function askWhile(
  label: string,
  url: string,
  metricsUrl: string,
  more: () => Promise<boolean>,
): Promise<Phase> {
  const phase: Phase = { label, http: [], overhead: [], failed: 0, failures: [], stages: new Map() };
  const before = (await processStats(metricsUrl)).gc;
  for (let i = 0; await more(); i++) {
    const t = performance.now();
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `What is Synthetic topic ${(i * 7) % 50}?`, session: `live-${i % 5}` }),
    }).catch((err: unknown) => String(err));
    if (typeof res !== "string" && res.ok) {
      phase.http.push(performance.now() - t);
      phase.overhead.push(((await res.json()) as { overhead_ms: number }).overhead_ms);
      addStages(phase.stages, res.headers.get("server-timing") ?? "");
    } else {
      phase.failed++;
      const why = typeof res === "string" ? res : `${res.status} ${(await res.text()).slice(0, 300)}`;
      if (phase.failures.length < 5) phase.failures.push(why);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, QUESTION_EVERY_MS - (performance.now() - t))));
  }
  const after = await processStats(metricsUrl);
  phase.loop = after.loop;
  phase.gc = {
    pauses: after.gc.pauses - before.pauses,
    seconds: after.gc.seconds - before.seconds,
    long: after.gc.long - before.long,
  };
  return phase;
}

/** Adds `name;dur=ms, …` (a Server-Timing header) to the per-stage lists. */
function addStages(into: Map<string, number[]>, header: string): void {
  for (const m of header.matchAll(/([\w-]+);dur=([\d.]+)/g)) {
    const list = into.get(m[1] as string) ?? [];
    list.push(Number(m[2]));
    into.set(m[1] as string, list);
  }
}

/** Stage p50 / p95 per phase, one row a stage, one column a phase. */
export function stageTable(phases: Phase[]): string[] {
  const names = [...new Set(phases.flatMap((p) => [...p.stages.keys()]))];
  const cell = (xs: number[] | undefined) =>
    xs?.length ? `${quantile(xs, 0.5).toFixed(1)} / ${quantile(xs, 0.95).toFixed(1)}` : "—";
  return [
    `| stage (ms, p50 / p95) | ${phases.map((p) => p.label).join(" | ")} |`,
    `|---|${phases.map(() => "---").join("|")}|`,
    ...names.map((n) => `| ${n} | ${phases.map((p) => cell(p.stages.get(n))).join(" | ")} |`),
  ];
}

async function cpuSeconds(pid: number): Promise<number> {
  return parseStat(await readFile(`/proc/${pid}/stat`, "utf8")).seconds;
}

/** Waits until the process uses under 10 % of a core over 3 s; returns the ms waited. */
export async function cpuQuiet(pid: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const before = await cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 3000));
    if ((await cpuSeconds(pid)) - before < 0.3) break;
  }
  return Date.now() - started;
}
