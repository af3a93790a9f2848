import { parseArgs } from "node:util";
import { ConfigError } from "@lumina/config";
import { seed } from "./commands/seed.ts";
import { up } from "./commands/up.ts";
import { wikiServe } from "./commands/wiki-serve.ts";
import { RedisNotInstalledError } from "@lumina/runtime";

const USAGE = `Usage: lumina <command>

Commands:
  up                    start every service in this process (its own redis-server unless REDIS_URL is set)
  seed <title…>         ask the crawler to read articles (XADD crawl:req)
  wiki serve [--port N] a local Wikipedia (the test corpus) for offline use: prints its WIKI_API_URL
  help                  show this text

Configuration comes from environment variables: see .env.example.
`;

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command] = positionals;
  switch (command) {
    case "up":
      await up(process.env);
      return 0;
    case "seed":
      return seed(positionals.slice(1), process.env);
    case "wiki":
      if (positionals[1] !== "serve") break;
      await wikiServe(argv.slice(argv.indexOf("serve") + 1));
      return 0;
    case undefined:
    case "help":
      process.stdout.write(USAGE);
      return 0;
  }
  process.stderr.write(`lumina: unknown command "${positionals.join(" ")}"\n\n${USAGE}`);
  return 64;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode ||= code;
  },
  (err) => {
    const known = err instanceof ConfigError || err instanceof RedisNotInstalledError;
    process.stderr.write(`lumina: ${known ? err.message : (err?.stack ?? String(err))}\n`);
    process.exitCode = err instanceof ConfigError ? 78 : 1;
  },
);
