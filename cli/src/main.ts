import { parseArgs } from "node:util";

const USAGE = `Usage: lumina <command>

Commands:
  up [--processes]      start every service in this process (its own redis-server unless REDIS_URL is set);
                        --processes: each service in its own process, restarted if it exits
  seed <title…>         ask the crawler to read articles (XADD crawl:req)
  ask "<question>"      ask the running rag-worker (POST /chat); --json for the raw answer, --session S, --user U
  memory <cmd> --user U facts | episodes | affinity | search "<q>" | forget [--fact ID] | export [--out F] | import F:
                        what Lumina remembers of a user (the memory service's API; docs/memory.md)
  persona init NAME | validate FILE…
                        write a persona file from the built-in one, or check persona files (docs/persona.md)
  status [--json]       queues, streams, dead letters, what Lumina knows, model and adapter, every service's health
  doctor [--json]       test each connection (Redis, vector store, embedder, LLM, Wikipedia) and say how to fix failures;
                        --verify also checks that article files, graph, vector store and journal agree
  dlq list [stream]     dead letters and why (--json); dlq replay <stream> --all|--id ID sends them back
  plugin init <name>    scaffold a plugin in MODULES_DIR/<name> (manifest, module, test)
  snapshot [--out F]    graphs, vector store, adapters, users' memory, every Redis key and the config in one .tar.gz
  restore F [--force]   bring a snapshot back into an empty DATA_DIR and Redis
  reindex               rebuild the vector store's chunks from DATA_DIR/graphs (after changing EMBEDDER)
  models pull [name…]   download the GGUF models (phi-2, bge-small-en-v1.5) into DATA_DIR/models
  wiki serve [--port N] a local Wikipedia (the test corpus) for offline use: prints its WIKI_API_URL
  help                  show this text

Configuration comes from environment variables: see .env.example.
`;

// Commands are imported when run: `lumina ask` should not load every service (and their native
// modules) only to send one HTTP request.
async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0] ?? (argv.includes("--help") || argv.includes("-h") ? "help" : undefined);
  /** The arguments after the command's name. */
  const after = (name: string) => argv.slice(argv.indexOf(name) + 1);
  const env = process.env;
  switch (command) {
    case "up":
      await (await import("./commands/up.ts")).up(after("up"), env);
      return 0;
    case "seed":
      return (await import("./commands/seed.ts")).seed(positionals.slice(1), env);
    case "ask":
      return (await import("./commands/ask.ts")).ask(after("ask"), env);
    case "memory":
      return (await import("./commands/memory.ts")).memory(after("memory"), env);
    case "persona":
      return (await import("./commands/persona.ts")).persona(after("persona"), env);
    case "status":
      return (await import("./commands/status.ts")).status(after("status"), env);
    case "doctor":
      return (await import("./commands/doctor.ts")).doctor(after("doctor"), env);
    case "dlq":
      return (await import("./commands/dlq.ts")).dlq(after("dlq"), env);
    case "plugin":
      if (positionals[1] !== "init") break;
      return (await import("./commands/plugin-init.ts")).pluginInit(positionals.slice(2), env);
    case "snapshot":
      return (await import("./commands/snapshot.ts")).snapshot(after("snapshot"), env);
    case "restore":
      return (await import("./commands/snapshot.ts")).restore(after("restore"), env);
    case "reindex":
      return (await import("./commands/reindex.ts")).reindexCommand(env);
    case "models":
      if (positionals[1] !== "pull") break;
      return (await import("./commands/models.ts")).modelsPull(positionals.slice(2), env);
    case "wiki":
      if (positionals[1] !== "serve") break;
      await (await import("./commands/wiki-serve.ts")).wikiServe(after("serve"));
      return 0;
    case "help":
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 64;
  }
  process.stderr.write(`lumina: unknown command "${positionals.join(" ")}"\n\n${USAGE}`);
  return 64;
}

/**
 * Errors that end a command with a sentence of their own, by their stable code (docs/errors.md), and
 * the exit code each gives. Matched by code, not class, so that `--help` loads none of the libraries.
 */
const KNOWN: Record<string, number> = {
  config_invalid: 78,
  redis_not_installed: 1,
  already_running: 75,
  redis_unreachable: 69,
};

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
};

/** The message for an error that ends a command: a sentence for the known ones, the stack otherwise. */
function explain(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  const code = codeOf(err);
  if (code && Object.hasOwn(KNOWN, code)) return e.message.replace(/^lumina /, "");
  if (code === "EADDRINUSE")
    return (
      `${e.address ?? "127.0.0.1"}:${e.port ?? "?"} is already in use (another Lumina, or another program). ` +
      "Stop it, or choose other ports: CHAT_PORT, WS_PORT, <SERVICE>_METRICS_PORT (see .env.example)."
    );
  return e?.stack ?? String(err);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode ||= code;
  },
  (err) => {
    process.stderr.write(`lumina: ${explain(err)}\n`);
    const code = codeOf(err);
    process.exitCode = code && Object.hasOwn(KNOWN, code) ? (KNOWN[code] as number) : 1;
  },
);
