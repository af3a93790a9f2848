import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import { sameSecret } from "@lumina/observability";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "./errors.ts";

export interface SecurityOptions {
  apiKey: string | undefined;
  corsOrigins: string[];
  ratePerMinute: number;
  /**
   * Whether loopback clients count against the rate limit. Off by default: someone on the machine
   * itself (an evaluation script, the CLI, the page through a local proxy) is the owner, not a crowd.
   */
  rateLimitLoopback: boolean;
  /** Paths that stay open without a key (health, docs). */
  open: (url: string) => boolean;
}

export { sameSecret };

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms. */
export function isLoopback(ip: string): boolean {
  return ip === "::1" || /^(::ffff:)?127\./.test(ip);
}

/**
 * CORS allowlist, rate limit (429 + Retry-After per client address; loopback exempt unless
 * `rateLimitLoopback`) and, when `apiKey` is set, a
 * Bearer key on every route but the open ones.
 */
export async function registerSecurity(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  await app.register(cors, {
    origin: options.corsOrigins,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["content-type", "authorization"],
  });
  if (options.ratePerMinute > 0) {
    await app.register(rateLimit, {
      max: options.ratePerMinute,
      timeWindow: 60_000,
      allowList: (request) =>
        options.open(request.url) || (!options.rateLimitLoopback && isLoopback(request.ip)),
      errorResponseBuilder: (_request, context) =>
        new ApiError(
          "rate_limited",
          `more than ${context.max} requests per minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
        ),
    });
  }
  const { apiKey } = options;
  if (apiKey) {
    app.addHook("onRequest", async (request) => {
      if (request.method === "OPTIONS" || options.open(request.url)) return;
      const given = bearer(request);
      if (!given || !sameSecret(given, apiKey))
        throw new ApiError(
          "unauthorized",
          "a valid API key is required: Authorization: Bearer <LUMINA_API_KEY>",
          {
            "www-authenticate": "Bearer",
          },
        );
    });
  }
}
