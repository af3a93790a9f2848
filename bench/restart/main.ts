/**
 * bench/restart — how soon the chat API answers after `lumina up` starts, on a fresh DATA_DIR and on one
 * left with a backlog: `--backlog` articles fetched but not indexed yet (the crawler alone ran while
 * Lumina was stopped, as after a crash in a heavy ingest). With the defaults (USE-lite), against a local
 * wiki of generated articles; runs `node cli/bin/lumina.js up` as people do.
 * Usage: npm run bench:restart -- [--backlog 300]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startWikiFixture, syntheticCorpus } from "@lumina/wiki-fixture";
import { fetchBacklog, restartEnv, startUp, timeToFirstAnswer, unindexed } from "./lumina-up.ts";

const { values } = parseArgs({ options: { backlog: { type: "string", default: "300" } } });
const backlog = Number(values.backlog);
const say = (line: string) => process.stderr.write(`${line}\n`);

const wiki = await startWikiFixture({ corpus: syntheticCorpus(backlog + 1200) });
const dataDir = await mkdtemp(join(tmpdir(), "lumina-bench-restart-"));
const env = await restartEnv(dataDir, wiki.apiUrl);
try {
  say("fresh start: an empty DATA_DIR");
  let up = startUp(env);
  const fresh = await timeToFirstAnswer(up, env);
  await up.stop();
  await fetchBacklog(env, backlog, say);
  say("restart with the backlog");
  up = startUp(env);
  const restarted = await timeToFirstAnswer(up, env);
  const left = await unindexed(env);
  await up.stop();
  console.log(
    [
      "",
      `Chat API after \`lumina up\` (defaults, USE-lite; ${backlog} generated articles fetched before the restart):`,
      "",
      "| start | banner | first /chat answer | graph:add entries the indexer had not finished then |",
      "|---|---|---|---|",
      `| fresh DATA_DIR | ${fresh.bannerMs} ms | ${fresh.answerMs} ms | — |`,
      `| restart with a backlog | ${restarted.bannerMs} ms | ${restarted.answerMs} ms | ${left} |`,
    ].join("\n"),
  );
} finally {
  await wiki.close();
  await rm(dataDir, { recursive: true, force: true });
}
