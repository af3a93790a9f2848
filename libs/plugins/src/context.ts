import type { Logger } from "@lumina/observability";
import type { Redis } from "ioredis";
import type { Manifest } from "./manifest.ts";
import { LuminaError } from "@lumina/errors";

export type Method = "GET" | "POST";

/** What a plugin's endpoint handler gets, and returns as JSON. */
export interface PluginRequest {
  query: Record<string, string | undefined>;
  body: unknown;
}
export type RouteHandler = (request: PluginRequest) => Promise<unknown>;

/** A plugin used something its manifest does not declare. */
export class PermissionError extends LuminaError {
  constructor(plugin: string, what: string) {
    super("plugin_permission_denied", `plugin ${plugin}: ${what} is not declared in its manifest.yml`);
  }
}

/** Redis for one plugin: every key is prefixed `plugin:<name>:`, so plugins cannot touch Lumina's data or each other's. */
export class PluginStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  get = (key: string) => this.redis.get(this.prefix + key);
  set = (key: string, value: string) => this.redis.set(this.prefix + key, value);
  incrby = (key: string, by = 1) => this.redis.incrby(this.prefix + key, by);
  hincrby = (key: string, field: string, by = 1) => this.redis.hincrby(this.prefix + key, field, by);
  hgetall = (key: string) => this.redis.hgetall(this.prefix + key);
  zincrby = (key: string, by: number, member: string) => this.redis.zincrby(this.prefix + key, by, member);
  /** Members with the highest scores first, as [member, score] pairs. */
  async top(key: string, n: number): Promise<[string, number][]> {
    const flat = await this.redis.zrevrange(this.prefix + key, 0, n - 1, "WITHSCORES");
    const out: [string, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, Number(flat[i + 1])]);
    return out;
  }
}

/** What `register(ctx)` may do; everything is checked against the plugin's manifest. */
export interface PluginContext {
  readonly manifest: Manifest;
  readonly logger: Logger;
  readonly store: PluginStore;
  /** Serves a declared endpoint at /plugins/<name><path> on the rag-worker. */
  route(method: Method, path: string, handler: RouteHandler): void;
  /** Consumes a declared stream in the consumer group `plugin:<name>` (at-least-once; be idempotent). */
  subscribe(stream: string, handler: (event: Record<string, unknown>) => Promise<void>): void;
  /** Publishes to a declared stream, validated against its schema. */
  publish(stream: string, event: Record<string, unknown>): Promise<string>;
}

/** A plugin module's default export. */
export interface Plugin {
  register(ctx: PluginContext): void | Promise<void>;
}
