import { parseArgs } from "node:util";
import { loadConfig } from "@lumina/config";
import { redactUrl } from "@lumina/runtime";
import { serviceUrl } from "../connect.ts";
import type { LocalRedis } from "../local-redis.ts";
import { type Lumina, RunnerConfig, startLumina, startLuminaProcesses } from "../runner.ts";
import { SERVICES } from "../services.ts";

/**
 * `lumina up`: everything in one process until Ctrl-C or SIGTERM. `--processes`: each service in its
 * own child process, restarted when it exits (what Compose does, without Docker).
 */
export async function up(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { processes: { type: "boolean" } } });
  const config = loadConfig("lumina up", RunnerConfig, env);
  const progress = (line: string) => process.stderr.write(`lumina: ${line}\n`);
  let stop: () => Promise<void>;
  if (values.processes) {
    const lumina = await startLuminaProcesses(env, config, progress);
    process.stdout.write(processesBanner(lumina.redisUrl, lumina.localRedis, env));
    stop = () => lumina.stop();
  } else {
    const lumina = await startLumina(env, config, progress);
    process.stdout.write(banner(lumina));
    stop = () => lumina.stop();
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write(
        "lumina: stopping (in-flight events finish first, 10 s at most; Ctrl-C again to force)\n",
      );
      stop().then(resolve, (err) => {
        process.stderr.write(`lumina: error while stopping: ${String(err)}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  process.stderr.write("lumina: stopped\n");
  // A service left behind by a stop that ran out of time (Redis gone) may still hold timers or
  // sockets: what could be flushed was, so the process ends here rather than waiting for them.
  process.exit(process.exitCode ?? 0);
}

function banner(lumina: Lumina): string {
  const lines = ["", `Lumina is up: ${lumina.services.length} services in one process`, ""];
  for (const service of lumina.services) {
    for (const [kind, url] of Object.entries(service.urls)) {
      lines.push(`  ${service.name.padEnd(11)} ${kind.padEnd(8)} ${url}`);
    }
  }
  return lines.concat(footer(lumina.redisUrl, lumina.localRedis)).join("\n");
}

function processesBanner(
  redisUrl: string,
  localRedis: LocalRedis | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const lines = [
    "",
    `Lumina started ${SERVICES.length} services, one process each (restarted if they exit); each is ready when its /readyz says so`,
    "",
  ];
  for (const mod of SERVICES)
    lines.push(`  ${mod.NAME.padEnd(11)} ${"metrics".padEnd(8)} ${serviceUrl(mod.NAME, env)}`);
  lines.push(
    `  ${"rag-worker".padEnd(11)} ${"chat".padEnd(8)} http://127.0.0.1:${env.CHAT_PORT || 8000}`,
    `  ${"ws-bridge".padEnd(11)} ${"ws".padEnd(8)} http://127.0.0.1:${env.WS_PORT || 7210}`,
  );
  return lines.concat(footer(redisUrl, localRedis)).join("\n");
}

function footer(redisUrl: string, redis: LocalRedis | undefined): string[] {
  const cli = redis ? `redis-cli -p ${redis.port}` : "redis-cli -u $REDIS_URL";
  return [
    "",
    `  redis       ${redactUrl(redisUrl)}${redis ? ` (started by lumina, data in ${redis.dir})` : ""}`,
    "",
    "Each service answers /healthz and /readyz on its metrics URL; /readyz lists what it can do so far.",
    `Inspect the streams with: ${cli} XINFO STREAM crawl:req`,
    "Stop with Ctrl-C.",
    "",
    "",
  ];
}
