import { parseArgs } from "node:util";
import { Corpus, startWikiFixture } from "@lumina/wiki-fixture";
import { fileURLToPath } from "node:url";

const DEFAULT_CORPUS = fileURLToPath(new URL("../../../../shared/data/wiki/wikitext", import.meta.url));

/** `lumina wiki serve [--port 8787] [--dir DIR]`: a local Wikipedia for offline demos and tests. */
export async function wikiServe(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: "string", default: "8787" }, dir: { type: "string", default: DEFAULT_CORPUS } },
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
