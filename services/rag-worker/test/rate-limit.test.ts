import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerErrorHandling } from "../src/http/errors.ts";
import { isLoopback, registerSecurity } from "../src/http/security.ts";

// The rate limit is per client address; the real Fastify server with the real plugin, driven through
// inject() so that requests can come from addresses other than this machine's loopback.
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function server(rateLimitLoopback: boolean): Promise<FastifyInstance> {
  app = Fastify();
  registerErrorHandling(app);
  await registerSecurity(app, {
    apiKey: undefined,
    corsOrigins: [],
    ratePerMinute: 3,
    rateLimitLoopback,
    open: () => false,
  });
  app.get("/v1/models", async () => ({ data: [] }));
  return app;
}

async function statuses(a: FastifyInstance, remoteAddress: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await a.inject({ url: "/v1/models", remoteAddress })).statusCode);
  return out;
}

describe("rate limit by client address", () => {
  it("spares loopback clients by default and still limits every other address", async () => {
    const a = await server(false);
    expect(await statuses(a, "127.0.0.1", 10)).toEqual(Array(10).fill(200));
    expect(await statuses(a, "::1", 10)).toEqual(Array(10).fill(200));
    const remote = await statuses(a, "192.0.2.7", 5);
    expect(remote).toEqual([200, 200, 200, 429, 429]);
    const limited = await a.inject({ url: "/v1/models", remoteAddress: "192.0.2.7" });
    expect(limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("limits loopback too with RATE_LIMIT_LOOPBACK=true", async () => {
    const a = await server(true);
    expect(await statuses(a, "127.0.0.1", 5)).toEqual([200, 200, 200, 429, 429]);
  });

  it("knows loopback addresses from others", () => {
    for (const ip of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
      expect(isLoopback(ip)).toBe(true);
    for (const ip of ["10.0.0.1", "192.0.2.7", "::ffff:10.0.0.1", "::2", "1127.0.0.1"])
      expect(isLoopback(ip)).toBe(false);
  });
});
