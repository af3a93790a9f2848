import { createServer } from "node:net";

/**
 * Ports are taken below the kernel's ephemeral range (32768–60999 on Linux): a port the kernel
 * hands out for `listen(0)` is also one it may give any outgoing connection as its local port, so
 * between choosing it and a child process binding it, another test's Redis client could take it
 * ("already in use", seen in CI). Each vitest worker gets its own slice, so parallel test files
 * never pick the same port; within a process ports are handed out in turn and never twice.
 */
const FIRST = 12_000;
const SLICE = 2_500;
const SLICES = 8;
const poolId = Number(process.env.VITEST_POOL_ID ?? process.pid) % SLICES;
const sliceStart = FIRST + poolId * SLICE;
let next = Math.floor(Math.random() * SLICE);

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries++) {
    const port = sliceStart + (next++ % SLICE);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${sliceStart}–${sliceStart + SLICE - 1}`);
}
