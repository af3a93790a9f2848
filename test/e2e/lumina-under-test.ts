import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Lumina, metricsPortVar, SERVICES, startLumina } from "@lumina/cli";
import { freePort } from "@lumina/testing";
import { Corpus, startWikiFixture, type WikiFixture } from "@lumina/wiki-fixture";

export interface LuminaUnderTest {
  lumina: Lumina;
  wiki: WikiFixture;
  /** DATA_DIR of this Lumina (a temporary directory, removed by stop()) */
  dataDir: string;
  /** The URL a service serves under `name` (chat, ws …). */
  url(service: string, name: string): string;
  stop(): Promise<void>;
}

/**
 * The whole one-process runner (what `npm start` runs) with its own redis-server and data dir, reading
 * the local Wikipedia fixture (the bundled corpus); metrics ports chosen by the OS.
 */
export async function startLuminaUnderTest(env: Record<string, string> = {}): Promise<LuminaUnderTest> {
  const wiki = await startWikiFixture({ corpus: Corpus.bundled() });
  const dataDir = await mkdtemp(join(tmpdir(), "lumina-e2e-"));
  const all: Record<string, string> = {
    WIKI_API_URL: wiki.apiUrl,
    CHAT_PORT: "0",
    WS_PORT: "0",
    MEMORY_PORT: "0",
    LOG_LEVEL: "warn",
    CRAWL_QUEUE_POLL_MS: "100",
    ...env,
  };
  for (const s of SERVICES) all[metricsPortVar(s.NAME)] = "0";
  let lumina: Lumina;
  try {
    lumina = await startLumina(
      { ...process.env, ...all },
      { DATA_DIR: dataDir, LOCAL_REDIS_PORT: await freePort() },
    );
  } catch (err) {
    await wiki.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    lumina,
    wiki,
    dataDir,
    url: (service, name) => lumina.services.find((s) => s.name === service)?.urls[name] as string,
    async stop() {
      await lumina.stop();
      await wiki.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * startLuminaUnderTest with ports chosen up front (`env` built from two free ports), tried again when
 * another test took a port between choosing and listening (EADDRINUSE).
 */
export async function startLuminaOnFreePorts(
  env: (ports: [number, number]) => Record<string, string>,
  attempts = 3,
): Promise<LuminaUnderTest> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLuminaUnderTest(env([await freePort(), await freePort()]));
    } catch (err) {
      if (attempt >= attempts || !String(err).includes("EADDRINUSE")) throw err;
    }
  }
}
