import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";

/*
 * `lumina memory <facts|episodes|affinity|search|forget|export|import> --user U`: the memory service's API
 * (MEMORY_URL, or 127.0.0.1:MEMORY_PORT) from the command line. Exit codes: 0 done, 64 bad usage,
 * 69 the API cannot be reached, 1 the API answered with an error.
 */

const USAGE = `Usage: lumina memory <command> --user U [--json]
  facts                    what U told Lumina about themselves
  episodes                 U's memorable moments
  affinity                 U's relationship with each persona, and each session's mood
  search "<query>"         U's memories closest to the query
  forget [--fact ID]       forget one fact, or (without --fact) everything about U
  export [--out F]         U's whole memory as a snapshot (stdout without --out)
  import F                 a snapshot into U's memory, in batches, with progress
`;
/** Records sent per import request: each batch is a snapshot of its own. */
const IMPORT_BATCH = 1000;

class ApiFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

type Env = NodeJS.ProcessEnv;
type Print = (line: string) => void;

async function call(env: Env, method: string, path: string, body?: unknown): Promise<unknown> {
  const base = env.MEMORY_URL || `http://127.0.0.1:${env.MEMORY_PORT || 8001}`;
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(env.LUMINA_API_KEY ? { authorization: `Bearer ${env.LUMINA_API_KEY}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new ApiFailure(
      69,
      `cannot reach the memory API at ${base} (${String(err)}); is \`npm start\` running?`,
    );
  }
  const out = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiFailure(1, `${res.status} ${out.error?.code}: ${out.error?.message}`);
  return out;
}

export async function memory(argv: string[], env: Env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      user: { type: "string" },
      json: { type: "boolean" },
      fact: { type: "string" },
      out: { type: "string" },
    },
  });
  const [command, ...rest] = positionals;
  const user = values.user;
  if (!command || !user) {
    process.stderr.write(`lumina memory: ${command ? "--user is required" : "give a command"}\n\n${USAGE}`);
    return 64;
  }
  const print: Print = (line) => process.stdout.write(`${line}\n`);
  try {
    return await run(
      command,
      rest,
      { user, json: values.json ?? false, fact: values.fact, out: values.out },
      env,
      print,
    );
  } catch (err) {
    if (!(err instanceof ApiFailure)) throw err;
    process.stderr.write(`lumina memory: ${err.message}\n`);
    return err.exitCode;
  }
}

interface Options {
  user: string;
  json: boolean;
  fact: string | undefined;
  out: string | undefined;
}

async function run(command: string, rest: string[], o: Options, env: Env, print: Print): Promise<number> {
  const u = encodeURIComponent(o.user);
  const show = (body: unknown, lines: () => string[]) => {
    for (const line of o.json ? [JSON.stringify(body, null, 2)] : lines()) print(line);
    return 0;
  };
  switch (command) {
    case "facts": {
      const body = (await call(env, "GET", `/v1/users/${u}/facts`)) as { facts: FactLine[] };
      return show(body, () => body.facts.map(factLine));
    }
    case "episodes": {
      const body = (await call(env, "GET", `/v1/users/${u}/episodes`)) as { episodes: EpisodeLine[] };
      return show(body, () => body.episodes.map(episodeLine));
    }
    case "affinity": {
      const body = (await call(env, "GET", `/v1/users/${u}/affinity`)) as {
        affinity: AffinityLine[];
        moods: MoodLine[];
      };
      return show(body, () => [...body.affinity.map(affinityLine), ...body.moods.map(moodLine)]);
    }
    case "search": {
      const query = rest.join(" ").trim();
      if (!query) return usage("search needs a query");
      const body = (await call(env, "POST", `/v1/users/${u}/search`, { query })) as { results: SearchLine[] };
      return show(body, () => body.results.map((r) => `${r.score.toFixed(3)}  ${r.memory}  (${r.id})`));
    }
    case "forget": {
      const path = o.fact ? `/v1/users/${u}/facts/${encodeURIComponent(o.fact)}` : `/v1/users/${u}`;
      const body = await call(env, "DELETE", path);
      return show(body, () => [
        o.fact ? `forgot fact ${o.fact}` : `forgot ${o.user}: ${JSON.stringify(body)}`,
      ]);
    }
    case "export": {
      const body = await call(env, "GET", `/v1/users/${u}/export`);
      if (!o.out) return show(body, () => [JSON.stringify(body)]);
      await writeFile(o.out, `${JSON.stringify(body, null, 2)}\n`);
      print(`wrote ${o.user}'s memory to ${o.out}`);
      return 0;
    }
    case "import":
      return rest[0] ? importFile(rest[0], o, env, print) : usage("import needs a snapshot file");
  }
  return usage(`unknown command "${command}"`);
}

const usage = (why: string) => {
  process.stderr.write(`lumina memory: ${why}\n\n${USAGE}`);
  return 64;
};

type Snapshot = Record<"messages" | "facts" | "fact_history" | "episodes", unknown[]> &
  Record<string, unknown>;
const PARTS = ["messages", "facts", "fact_history", "episodes"] as const;

/** A snapshot sent in batches of IMPORT_BATCH records, in order (facts before their history). */
async function importFile(file: string, o: Options, env: Env, print: Print): Promise<number> {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(await readFile(file, "utf8")) as Snapshot;
  } catch (err) {
    return usage(`cannot read ${file} as JSON (${(err as Error).message})`);
  }
  const records = PARTS.flatMap((part) =>
    (Array.isArray(snapshot[part]) ? snapshot[part] : []).map((r) => [part, r] as const),
  );
  const totals = { messages: 0, facts: 0, episodes: 0 };
  for (let i = 0; i < Math.max(records.length, 1); i += IMPORT_BATCH) {
    const batch: Snapshot = { ...snapshot, messages: [], facts: [], fact_history: [], episodes: [] };
    for (const [part, r] of records.slice(i, i + IMPORT_BATCH)) batch[part].push(r);
    const body = (await call(env, "POST", `/v1/users/${encodeURIComponent(o.user)}/import`, batch)) as {
      imported: typeof totals;
    };
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += body.imported[k];
    process.stderr.write(
      `imported ${Math.min(i + IMPORT_BATCH, records.length)}/${records.length} records\n`,
    );
  }
  print(o.json ? JSON.stringify({ imported: totals }) : `imported into ${o.user}: ${JSON.stringify(totals)}`);
  return 0;
}

interface FactLine {
  id: string;
  category: string;
  key: string;
  value: unknown;
  confidence: number;
  mention_count: number;
}
interface EpisodeLine {
  id: string;
  type: string;
  importance: number;
  sentiment: string;
  title: string;
  timestamp: number;
}
interface AffinityLine {
  personality_name: string;
  affinity_points: number;
  current_level: string;
  total_messages: number;
  positive_interactions: number;
  negative_interactions: number;
}
interface MoodLine {
  session_id: string;
  current_mood: string;
  mood_intensity: number;
  mood_started_at: number;
}
interface SearchLine {
  id: string;
  memory: string;
  score: number;
}

const factLine = (f: FactLine) =>
  `${f.category}/${f.key} = ${JSON.stringify(f.value)}  (confidence ${f.confidence.toFixed(2)}, ${f.mention_count}× ; ${f.id})`;
const affinityLine = (a: AffinityLine) =>
  `${a.personality_name}: ${a.current_level} (${a.affinity_points}/100) · ${a.total_messages} messages, ${a.positive_interactions} positive, ${a.negative_interactions} negative`;
const moodLine = (m: MoodLine) =>
  `session ${m.session_id}: mood ${m.current_mood} (intensity ${m.mood_intensity.toFixed(2)}, since ${new Date(m.mood_started_at).toISOString()})`;
const episodeLine = (e: EpisodeLine) =>
  `${new Date(e.timestamp).toISOString().slice(0, 10)}  ${e.type}  importance ${e.importance}  ${e.sentiment}  ${e.title}  (${e.id})`;
