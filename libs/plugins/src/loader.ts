import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BusMetrics, StreamConsumer, type StreamPublisher } from "@lumina/bus";
import { ALL_STREAMS, type StreamContract } from "@lumina/events";
import type { Logger } from "@lumina/observability";
import type { Redis } from "ioredis";
import {
  type Method,
  PermissionError,
  type Plugin,
  type PluginContext,
  PluginStore,
  type RouteHandler,
} from "./context.ts";
import { type Manifest, ManifestError, readManifest } from "./manifest.ts";

export interface LoadedRoute {
  plugin: string;
  method: Method;
  /** /plugins/<name><path> */
  url: string;
  handler: RouteHandler;
}

export interface LoadedPlugins {
  manifests: Manifest[];
  routes: LoadedRoute[];
  consumers: StreamConsumer<StreamContract>[];
}

export interface LoadOptions {
  /** the folder holding one sub-folder per plugin (MODULES_DIR) */
  dir: string;
  redis: Redis;
  publisher: StreamPublisher;
  logger: Logger;
  consumerName: string;
  consumerDefaults: { maxDeliveries: number; reclaimIdleMs: number; logger: Logger; metrics?: BusMetrics };
}

/**
 * Loads every plugin under `dir` (a missing folder means none): validates each manifest, orders them by
 * their dependencies, imports each module and lets it register endpoints, subscriptions and publishing
 * within what its manifest declares. Any problem stops the load with an error naming the plugin and the fix.
 */
export async function loadPlugins(o: LoadOptions): Promise<LoadedPlugins> {
  const folders = (await readdir(o.dir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const streams = ALL_STREAMS.map((s) => s.name);
  const manifests = new Map<string, Manifest>();
  for (const folder of folders)
    manifests.set(folder, await readManifest(join(o.dir, folder, "manifest.yml"), folder, streams));
  const loaded: LoadedPlugins = { manifests: [], routes: [], consumers: [] };
  for (const manifest of inDependencyOrder(manifests, o.dir)) {
    const file = join(o.dir, manifest.name, manifest.main ?? "index.ts");
    const mod = (await import(pathToFileURL(file).href)) as { default?: Plugin };
    if (typeof mod.default?.register !== "function")
      throw new ManifestError(file, ["the module's default export has no register(ctx) function"]);
    await mod.default.register(context(manifest, o, loaded));
    const declared = manifest.endpoints ?? [];
    const served = loaded.routes.filter((r) => r.plugin === manifest.name);
    const missing = declared.filter(
      (e) => !served.some((r) => r.method === e.method && r.url.endsWith(e.path)),
    );
    if (missing.length > 0)
      throw new ManifestError(file, [
        `declares ${missing.map((e) => `${e.method} ${e.path}`).join(", ")} but never serves it`,
      ]);
    loaded.manifests.push(manifest);
    o.logger.info({ plugin: manifest.name, version: manifest.version }, "plugin loaded");
  }
  return loaded;
}

function context(manifest: Manifest, o: LoadOptions, loaded: LoadedPlugins): PluginContext {
  const name = manifest.name;
  const allowed = (list: string[] | undefined, stream: string) => (list ?? []).includes(stream);
  const contractOf = (stream: string) => ALL_STREAMS.find((s) => s.name === stream) as StreamContract;
  return {
    manifest,
    logger: o.logger.child({ plugin: name }),
    store: new PluginStore(o.redis, `plugin:${name}:`),
    route(method, path, handler) {
      if (!(manifest.endpoints ?? []).some((e) => e.method === method && e.path === path))
        throw new PermissionError(name, `endpoint ${method} ${path}`);
      loaded.routes.push({ plugin: name, method, url: `/plugins/${name}${path}`, handler });
    },
    subscribe(stream, handler) {
      if (!allowed(manifest.permissions?.subscribe, stream))
        throw new PermissionError(name, `subscribing to ${stream}`);
      loaded.consumers.push(
        new StreamConsumer({
          ...o.consumerDefaults,
          redis: o.redis,
          contract: contractOf(stream),
          group: `plugin:${name}`,
          consumer: o.consumerName,
          handler: (event) => handler(event as Record<string, unknown>),
        }),
      );
    },
    async publish(stream, event) {
      if (!allowed(manifest.permissions?.publish, stream))
        throw new PermissionError(name, `publishing to ${stream}`);
      return o.publisher.publish(contractOf(stream), event as never);
    },
  };
}

/** Dependencies first; a missing or circular dependency is a ManifestError. */
function inDependencyOrder(manifests: Map<string, Manifest>, dir: string): Manifest[] {
  const out: Manifest[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (m: Manifest, chain: string[]) => {
    if (state.get(m.name) === "done") return;
    if (state.get(m.name) === "visiting")
      throw new ManifestError(join(dir, m.name, "manifest.yml"), [
        `circular dependency: ${[...chain, m.name].join(" → ")}`,
      ]);
    state.set(m.name, "visiting");
    for (const dep of m.dependencies ?? []) {
      const d = manifests.get(dep);
      if (!d)
        throw new ManifestError(join(dir, m.name, "manifest.yml"), [
          `depends on "${dep}", which is not in ${dir}`,
        ]);
      visit(d, [...chain, m.name]);
    }
    state.set(m.name, "done");
    out.push(m);
  };
  for (const m of manifests.values()) visit(m, []);
  return out;
}
