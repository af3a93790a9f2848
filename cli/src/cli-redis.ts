import { connect as netConnect } from "node:net";
import { resolve } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { closeRedis, connectRedis } from "@lumina/bus";
import type { Redis } from "ioredis";
import { redactUrl, redisUrlFrom } from "./connect.ts";
import type { LocalRedis } from "./local-redis.ts";
import { runningLumina } from "./runner-lock.ts";
import { LuminaError } from "@lumina/errors";

/** How long a command waits for Redis before it says it cannot reach it (exit 69). */
const CONNECT_TIMEOUT_MS = 3_000;

export class RedisUnreachableError extends LuminaError {
  readonly exitCode = 69;
  constructor(command: string, url: string, detail: string) {
    super(
      "redis_unreachable",
      `lumina ${command}: cannot reach Redis at ${redactUrl(url)} (${detail}). ` +
        "Is Lumina running? `npm start` starts its own Redis; or set REDIS_URL (and LOCAL_REDIS_PORT) as for npm start.",
    );
  }
}

export interface CliRedis {
  redis: Redis;
  url: string;
  /** set when the command started DATA_DIR's Redis itself (Lumina was stopped) */
  started: LocalRedis | undefined;
  close(): Promise<void>;
}

/**
 * The Redis a CLI command talks to, reached within 3 s or refused with RedisUnreachableError (exit
 * 69) — never a hang. With `startLocal` (snapshot, restore), when Lumina is stopped and REDIS_URL is
 * unset, the command starts DATA_DIR's own Redis for as long as it runs, the way `npm start` would.
 */
export async function openCliRedis(
  command: string,
  env: NodeJS.ProcessEnv,
  opts: { startLocal?: boolean } = {},
): Promise<CliRedis> {
  const url = redisUrlFrom(env);
  const reached = await probe(url);
  if (reached === true) return wrap(url, undefined);
  const dataDir = resolve(env.DATA_DIR || "./data");
  if (!opts.startLocal || env.REDIS_URL || (await runningLumina(dataDir)))
    throw new RedisUnreachableError(command, url, reached);
  const port = Number(env.LOCAL_REDIS_PORT || 6380);
  process.stderr.write(
    `lumina ${command}: Lumina is stopped; starting its Redis (${dataDir}/redis) meanwhile\n`,
  );
  // Loaded only here: it brings the runtime library, which other commands do not need.
  const { startLocalRedis } = await import("./local-redis.ts");
  const started = await startLocalRedis(dataDir, port);
  return wrap(started.url, started);
}

function wrap(url: string, started: LocalRedis | undefined): CliRedis {
  const redis = connectRedis(url, "lumina-cli", () => {});
  return {
    redis,
    url,
    started,
    async close() {
      await closeRedis(redis);
      await started?.stop();
    },
  };
}

/**
 * true when something at the URL's host and port answers a RESP `PING` (any reply: an auth error is
 * for the real client to report) within the timeout; otherwise why not. A bare socket rather than an
 * ioredis client: a refused ioredis connection keeps the process alive for seconds.
 */
function probe(url: string): Promise<true | string> {
  const { hostname, port, protocol } = new URL(url);
  const options = { host: hostname || "127.0.0.1", port: Number(port || 6379) };
  return new Promise((resolve) => {
    const socket =
      protocol === "rediss:" ? tlsConnect({ ...options, servername: options.host }) : netConnect(options);
    const done = (result: true | string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.once(protocol === "rediss:" ? "secureConnect" : "connect", () =>
      socket.write("*1\r\n$4\r\nPING\r\n"),
    );
    socket.once("data", (reply: Buffer) =>
      done(reply[0] === 0x2b || reply[0] === 0x2d ? true : "not a Redis server"),
    );
  });
}
