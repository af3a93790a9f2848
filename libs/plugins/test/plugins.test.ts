import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamPublisher } from "@lumina/bus";
import { type RedisServerHandle, startRedisServer } from "@lumina/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadPlugins, ManifestError, PermissionError } from "../src/index.ts";

let server: RedisServerHandle;
let redis: Redis;
let dir: string;
const logger = pino({ level: "silent" });

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lumina-plugins-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const PLUGIN_IMPORT = `import type { Plugin } from "@lumina/plugins";`;
async function plugin(name: string, manifest: string, body = "register() {}") {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, "manifest.yml"), manifest);
  await writeFile(
    join(dir, name, "index.ts"),
    `${PLUGIN_IMPORT}\nconst plugin: Plugin = { ${body} };\nexport default plugin;\n`,
  );
}
const load = () =>
  loadPlugins({
    dir,
    redis,
    publisher: new StreamPublisher({ redis }),
    logger,
    consumerName: "test",
    consumerDefaults: { maxDeliveries: 3, reclaimIdleMs: 1000, logger },
  });
const ok = (name: string, extra = "") => `name: ${name}\nversion: 1.0.0\napi_version: 1\n${extra}`;

describe("plugin manifests", () => {
  it("no folder means no plugins", async () => {
    await rm(dir, { recursive: true });
    expect((await load()).manifests).toEqual([]);
  });

  it("reports every problem of a bad manifest with its file", async () => {
    await plugin(
      "bad",
      "name: Bad Name\nversion: one\napi_version: 1\nendpoints: [{ method: DELETE, path: x }]\n",
    );
    const err = (await load().catch((e: unknown) => e)) as ManifestError;
    expect(err).toBeInstanceOf(ManifestError);
    expect(err.message).toContain(join(dir, "bad", "manifest.yml"));
    expect(err.problems.join("\n")).toMatch(/\/name/);
    expect(err.problems.join("\n")).toMatch(/\/version/);
    expect(err.problems.join("\n")).toMatch(/\/endpoints\/0\/method/);
  });

  it("refuses invalid YAML, an unknown API version, a name that is not its folder and unknown streams", async () => {
    await plugin("a-yaml", "name: [unclosed\n");
    await expect(load()).rejects.toThrow(/not valid YAML/);
    await rm(join(dir, "a-yaml"), { recursive: true });
    await plugin(
      "b-api",
      "name: b-api\nversion: 1.0.0\napi_version: 2\npermissions: { subscribe: [nope:stream] }\n",
    );
    await expect(load()).rejects.toThrow(
      /api_version 2 is not supported \(this Lumina offers 1\).*unknown stream "nope:stream"/,
    );
    await rm(join(dir, "b-api"), { recursive: true });
    await plugin("c-name", ok("other-name"));
    await expect(load()).rejects.toThrow(/name "other-name" differs from its folder "c-name"/);
  });

  it("loads dependencies first and refuses a missing or circular one", async () => {
    await plugin("aa", ok("aa", "dependencies: [bb]\n"));
    await plugin("bb", ok("bb"));
    expect((await load()).manifests.map((m) => m.name)).toEqual(["bb", "aa"]);
    await plugin("cc", ok("cc", "dependencies: [zz]\n"));
    await expect(load()).rejects.toThrow(/depends on "zz", which is not in/);
    await rm(join(dir, "cc"), { recursive: true });
    await plugin("bb", ok("bb", "dependencies: [aa]\n"));
    await expect(load()).rejects.toThrow(/circular dependency: aa → bb → aa/);
  });
});

describe("plugin permissions", () => {
  it("serves declared endpoints under /plugins/<name>, and refuses undeclared ones", async () => {
    await plugin(
      "web",
      ok("web", "endpoints: [{ method: GET, path: /ping }]\n"),
      'register(ctx) { ctx.route("GET", "/ping", async () => ({ pong: true })); }',
    );
    const { routes } = await load();
    expect(routes.map((r) => [r.method, r.url])).toEqual([["GET", "/plugins/web/ping"]]);
    expect(await routes[0]?.handler({ query: {}, body: undefined })).toEqual({ pong: true });
    await rm(join(dir, "web"), { recursive: true }); // a module is imported once per process: a new name
    await plugin(
      "web-two",
      ok("web-two", "endpoints: [{ method: GET, path: /ping }]\n"),
      'register(ctx) { ctx.route("POST", "/admin", async () => ({})); }',
    );
    await expect(load()).rejects.toThrow(PermissionError);
    await expect(load()).rejects.toThrow(
      "plugin web-two: endpoint POST /admin is not declared in its manifest.yml",
    );
  });

  it("refuses a declared endpoint that is never served", async () => {
    await plugin("lazy", ok("lazy", "endpoints: [{ method: GET, path: /x }]\n"));
    await expect(load()).rejects.toThrow(/declares GET \/x but never serves it/);
  });

  it("lets a plugin subscribe and publish only to the streams it declares, in its own consumer group", async () => {
    await plugin(
      "bus",
      ok("bus", "permissions: { subscribe: [graph:add], publish: [gap:req] }\n"),
      'async register(ctx) { ctx.subscribe("graph:add", async () => {}); await ctx.publish("gap:req", { topic: "Dartmoor", reason: "manual" }); }',
    );
    const { consumers } = await load();
    expect(consumers.map((c) => c.stream)).toEqual(["graph:add"]);
    const [[, fields]] = (await redis.xrange("gap:req", "-", "+")) as [[string, string[]]];
    expect(fields).toEqual(["topic", "Dartmoor", "reason", "manual"]);
    await rm(join(dir, "bus"), { recursive: true });
    await plugin(
      "bus-two",
      ok("bus-two", "permissions: { subscribe: [graph:add] }\n"),
      'async register(ctx) { ctx.subscribe("qa:turn", async () => {}); }',
    );
    await expect(load()).rejects.toThrow("plugin bus-two: subscribing to qa:turn is not declared");
    await rm(join(dir, "bus-two"), { recursive: true });
    await plugin(
      "bus-three",
      ok("bus-three"),
      'async register(ctx) { await ctx.publish("crawl:req", { url: "x" }); }',
    );
    await expect(load()).rejects.toThrow("plugin bus-three: publishing to crawl:req is not declared");
  });

  it("keeps each plugin's Redis keys under plugin:<name>:", async () => {
    await plugin("kv", ok("kv"), 'async register(ctx) { await ctx.store.set("k", "v"); }');
    await load();
    expect(await redis.get("plugin:kv:k")).toBe("v");
    expect(await redis.get("k")).toBeNull();
  });
});
