import { access, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const NAME = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * `lumina plugin init <name>`: scaffolds MODULES_DIR/<name> with a manifest, a module that serves one
 * endpoint, and a test for it. Exit codes: 0 written, 64 bad name, 73 the folder exists.
 */
export async function pluginInit(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name] = args;
  if (!name || !NAME.test(name)) {
    process.stderr.write(
      "lumina plugin init: give a name of lower-case letters, digits and dashes, e.g. lumina plugin init my-plugin\n",
    );
    return 64;
  }
  const dir = resolve(env.MODULES_DIR || "modules", name);
  if (
    await access(dir).then(
      () => true,
      () => false,
    )
  ) {
    process.stderr.write(`lumina plugin init: ${dir} exists already\n`);
    return 73;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "manifest.yml"), manifest(name));
  await writeFile(join(dir, "index.ts"), moduleSource(name));
  await writeFile(join(dir, "index.test.ts"), testSource(name));
  process.stdout.write(
    `created ${dir}: manifest.yml, index.ts, index.test.ts\n` +
      `  the rag-worker loads it at start (MODULES_DIR) and serves GET /plugins/${name}/hello\n` +
      `  run its test: npx vitest run ${join(dir, "index.test.ts")}\n`,
  );
  return 0;
}

const manifest = (name: string) => `# A Lumina plugin (docs/plugins.md).
name: ${name}
version: 0.1.0
api_version: 1
description: What ${name} does.
endpoints:
  - { method: GET, path: /hello }
permissions:
  # streams it may consume (consumer group plugin:${name}) and publish to
  subscribe: [graph:add]
  publish: []
`;

const moduleSource = (name: string) => `import type { Plugin } from "@lumina/plugins";

/** ${name}: counts the articles Lumina reads and says hello with the count. */
const plugin: Plugin = {
  register(ctx) {
    ctx.subscribe("graph:add", async () => {
      await ctx.store.incrby("articles");
    });
    ctx.route("GET", "/hello", async ({ query }) => ({
      hello: query.name ?? "world",
      articles: Number((await ctx.store.get("articles")) ?? 0),
    }));
  },
};
export default plugin;
`;

const testSource = (name: string) => `import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { StreamPublisher } from "@lumina/bus";
import { loadPlugins } from "@lumina/plugins";
import { startRedisServer } from "@lumina/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { expect, it } from "vitest";

it("${name} serves GET /hello", async () => {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const logger = pino({ level: "silent" });
  try {
    const loaded = await loadPlugins({
      dir: dirname(dirname(fileURLToPath(import.meta.url))),
      redis,
      publisher: new StreamPublisher({ redis }),
      logger,
      consumerName: "test",
      consumerDefaults: { maxDeliveries: 3, reclaimIdleMs: 1000, logger },
    });
    const hello = loaded.routes.find((r) => r.url === "/plugins/${name}/hello");
    expect(await hello?.handler({ query: { name: "Lumina" }, body: undefined })).toEqual({ hello: "Lumina", articles: 0 });
  } finally {
    redis.disconnect();
    await server.stop();
  }
});
`;
