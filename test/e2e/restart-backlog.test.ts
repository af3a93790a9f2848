import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWikiFixture, syntheticCorpus } from "@lumina/wiki-fixture";
import { afterAll, describe, expect, it } from "vitest";
import {
  fetchBacklog,
  restartEnv,
  startUp,
  timeToFirstAnswer,
  unindexed,
} from "../../bench/restart/lumina-up.ts";

// A restart that finds a large backlog (articles fetched, not yet indexed: what a crash in a heavy
// ingest leaves) must not keep the chat API shut while the indexer works it off. `npm run
// bench:restart` measures the same with more articles (docs/benchmarks.md).
const BACKLOG = 300;
let cleanup: () => Promise<void> = async () => {};
afterAll(() => cleanup());

describe("`lumina up` with a backlog", () => {
  it("answers /chat within seconds of the start, long before the backlog is indexed", async () => {
    const wiki = await startWikiFixture({ corpus: syntheticCorpus(BACKLOG + 1200) });
    const dataDir = await mkdtemp(join(tmpdir(), "lumina-restart-"));
    const env = await restartEnv(dataDir, wiki.apiUrl);
    const first = startUp(env); // creates the consumer groups, then stops
    cleanup = async () => {
      await first.stop();
      await wiki.close();
      await rm(dataDir, { recursive: true, force: true });
    };
    await first.banner;
    await first.stop();
    await fetchBacklog(env, BACKLOG, () => {});
    const up = startUp(env);
    cleanup = async () => {
      await up.stop();
      await wiki.close();
      await rm(dataDir, { recursive: true, force: true });
    };
    const { answerMs } = await timeToFirstAnswer(up, env, 60_000);
    const left = await unindexed(env);
    console.log(
      `restart with ${BACKLOG} articles waiting: /chat answered after ${answerMs} ms, ${left} still to index`,
    );
    expect(left).toBeGreaterThan(BACKLOG / 2);
    expect(answerMs).toBeLessThan(10_000);
  }, 300_000);
});
