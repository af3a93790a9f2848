import { parseArgs } from "node:util";
import { DLQ_FIELDS, toFields } from "@lumina/bus";
import { ALL_STREAMS, deadLetterStream } from "@lumina/events";
import type { Redis } from "ioredis";
import { openCliRedis } from "../cli-redis.ts";

const USAGE = `Usage: lumina dlq list [stream] [--json] [--limit N]
       lumina dlq replay <stream> (--all | --id ID…)
`;

/**
 * `lumina dlq list|replay`: what went to the dead-letter streams and why, and sending entries back to
 * their stream once the cause is fixed (every consumer group gets them again; handlers are idempotent).
 * Exit codes: 0, 64 usage, 69 Redis unreachable.
 */
export async function dlq(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      limit: { type: "string", default: "50" },
      all: { type: "boolean" },
      id: { type: "string", multiple: true },
    },
  });
  const [action, stream] = positionals;
  const limit = Number(values.limit);
  const problem = usageProblem(action, stream, limit, values.limit);
  if (problem !== "") {
    process.stderr.write(
      `${problem ? `lumina dlq: ${problem}\n` : ""}${USAGE}Streams: ${KNOWN.join(", ")}\n`,
    );
    return 64;
  }
  if (action === "replay" && (!stream || (!values.all && !values.id?.length))) {
    process.stderr.write(USAGE);
    return 64;
  }
  const { redis, close } = await openCliRedis("dlq", env);
  try {
    if (action === "list") await list(redis, stream ? [stream] : KNOWN, limit, values.json ?? false);
    else await replay(redis, stream as string, values.all ? "all" : (values.id ?? []));
    return 0;
  } finally {
    await close();
  }
}

const KNOWN = ALL_STREAMS.map((s) => s.name);

/** What is wrong with the command line: "" nothing, undefined no action given, else a sentence. */
function usageProblem(action?: string, stream?: string, limit = 0, given?: string): string | undefined {
  if (action !== "list" && action !== "replay") return undefined;
  if (stream !== undefined && !KNOWN.includes(stream)) return `unknown stream "${stream}"`;
  if (!Number.isInteger(limit) || limit < 1)
    return `--limit must be a whole number of at least 1 (got "${given}")`;
  return "";
}

async function list(redis: Redis, streams: string[], limit: number, json: boolean): Promise<void> {
  const rows = [];
  for (const s of streams) {
    for (const [id, flat] of await redis.xrange(deadLetterStream(s), "-", "+", "COUNT", limit)) {
      const fields = toFields(flat);
      rows.push({
        stream: s,
        id,
        reason: fields.dlq_reason ?? "",
        group: fields.dlq_group ?? "",
        deliveries: Number(fields.dlq_deliveries ?? 0),
        at: fields.dlq_at ?? "",
        fields: original(fields),
      });
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ version: 1, entries: rows }, null, 2)}\n`);
  else if (rows.length === 0) process.stdout.write("no dead letters\n");
  else
    for (const r of rows)
      process.stdout.write(
        `${r.stream} ${r.id} ${r.group ? `[${r.group}] ` : ""}${times(r.deliveries)}: ${r.reason}\n    ${JSON.stringify(r.fields)}\n`,
      );
}

async function replay(redis: Redis, stream: string, ids: "all" | string[]): Promise<void> {
  const dlqStream = deadLetterStream(stream);
  const entries =
    ids === "all"
      ? await redis.xrange(dlqStream, "-", "+")
      : (await Promise.all(ids.map((id) => redis.xrange(dlqStream, id, id)))).flat();
  for (const [id, flat] of entries) {
    const fields = original(toFields(flat));
    // Back on the stream first, then off the DLQ: a crash in between replays an entry twice, never loses one.
    await redis.xadd(stream, "*", ...Object.entries(fields).flat());
    await redis.xdel(dlqStream, id);
  }
  process.stdout.write(`replayed ${entries.length} entries from ${dlqStream} to ${stream}\n`);
}

/** The entry as it was published: the fields without the dlq_* ones. */
const original = (fields: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(fields).filter(
      ([k]) => !(DLQ_FIELDS as readonly string[]).includes(k) && !k.startsWith("dlq_"),
    ),
  );

/** How often the entry was tried before it was dead-lettered: deliveries to a group, or a crawl job's tries. */
const times = (n: number) => (n === 1 ? "tried once" : `tried ${n} times`);
