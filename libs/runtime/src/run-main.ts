import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "@lumina/config";
import type { RunningService } from "./service.ts";

/** True when the module at `moduleUrl` is the program node was asked to run. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * Runs one service as its own process (containers, `lumina up --processes`): starts it from
 * process.env, stops it cleanly on SIGTERM/SIGINT (a second signal exits at once), and exits
 * non-zero with a readable message when it cannot start.
 */
export function runMain(name: string, start: (env: NodeJS.ProcessEnv) => Promise<RunningService>): void {
  start(process.env).then(
    (service) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) process.exit(130);
        stopping = true;
        service.stop().then(
          () => process.exit(0),
          (err) => {
            process.stderr.write(`${name}: error while stopping on ${signal}: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
    },
    (err) => {
      process.stderr.write(
        `${name}: cannot start: ${err instanceof ConfigError ? err.message : String(err)}\n`,
      );
      process.exit(err instanceof ConfigError ? 78 : 1);
    },
  );
}
