import { parseArgs } from "node:util";
import { ConfigError } from "@lumina/config";
import { up } from "./commands/up.ts";
import { RedisNotInstalledError } from "./local-redis.ts";

const USAGE = `Usage: lumina <command>

Commands:
  up        start every service in this process (a local redis-server too, unless REDIS_URL is set)
  help      show this text

Configuration comes from environment variables: see .env.example.
`;

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [command] = positionals;
  switch (command) {
    case "up":
      await up(process.env);
      return 0;
    case undefined:
    case "help":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`lumina: unknown command "${command}"\n\n${USAGE}`);
      return 64;
  }
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
