import { loadConfig } from "@lumina/config";
import { redactUrl } from "@lumina/runtime";
import { type Lumina, RunnerConfig, startLumina } from "../runner.ts";

/** `lumina up`: everything in one process until Ctrl-C or SIGTERM. */
export async function up(env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadConfig("lumina up", RunnerConfig, env);
  const lumina = await startLumina(env, config, (line) => process.stderr.write(`lumina: ${line}\n`));
  process.stdout.write(banner(lumina));
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stderr.write("lumina: stopping (in-flight events finish first; Ctrl-C again to force)\n");
      lumina.stop().then(resolve, (err) => {
        process.stderr.write(`lumina: error while stopping: ${String(err)}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  process.stderr.write("lumina: stopped\n");
}

function banner(lumina: Lumina): string {
  const lines = ["", `Lumina is up: ${lumina.services.length} services in one process`, ""];
  for (const service of lumina.services) {
    for (const [kind, url] of Object.entries(service.urls)) {
      lines.push(`  ${service.name.padEnd(11)} ${kind.padEnd(8)} ${url}`);
    }
  }
  const redis = lumina.localRedis;
  lines.push(
    "",
    `  redis       ${redactUrl(lumina.redisUrl)}${redis ? ` (started by lumina, data in ${redis.dir})` : ""}`,
  );
  const cli = redis ? `redis-cli -p ${redis.port}` : "redis-cli -u $REDIS_URL";
  lines.push(
    "",
    "Each service answers /healthz and /readyz on its metrics URL; /readyz lists what it can do so far.",
    `Inspect the streams with: ${cli} XINFO STREAM crawl:req`,
    "Stop with Ctrl-C.",
    "",
  );
  return `${lines.join("\n")}\n`;
}
