import { parseArgs } from "node:util";
import { BUNDLED_CORPUS_DIR, Corpus, startWikiFixture } from "@lumina/wiki-fixture";

/** `lumina wiki serve [--port 8787] [--dir DIR]`: a local Wikipedia for offline demos and tests. */
export async function wikiServe(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8787" },
      dir: { type: "string", default: BUNDLED_CORPUS_DIR },
    },
  });
  const corpus = Corpus.fromDirectory(values.dir);
  const wiki = await startWikiFixture({ corpus, port: Number(values.port) });
  process.stdout.write(
    `Local Wikipedia: ${corpus.titles().length} articles from ${values.dir}\n` +
      `  WIKI_API_URL=${wiki.apiUrl}\n` +
      `Try: WIKI_API_URL=${wiki.apiUrl} npm start, then npx lumina seed Bodmin\nStop with Ctrl-C.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await wiki.close();
}
