import { appendFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EventOf, GraphAdd } from "@lumina/events";
import { MadeDirs } from "@lumina/runtime";

/**
 * The indexer's files under GRAPH_DIR (DATA_DIR/graphs), the source of truth everything else can be
 * rebuilt from (docs/architecture.md, data on disk):
 * - `articles/<page id>.json`: the latest parsed revision of each article (overwritten: idempotent);
 * - `journal/YYYY/MM/DD/<consumer>.ndjson`: one line per handled graph:add, append-only. A redelivered
 *   event appends a second identical line; replaying the journal is idempotent, so that is harmless.
 *   One file per consumer keeps replicas from interleaving their writes.
 */
export class GraphFiles {
  readonly #dirs = new MadeDirs();

  constructor(
    private readonly dir: string,
    private readonly consumer: string,
  ) {}

  async saveArticle(article: EventOf<typeof GraphAdd>): Promise<void> {
    const dir = join(this.dir, "articles");
    const file = join(dir, `${article.page_id}.json`);
    await this.#dirs.write(dir, () => writeFile(file, JSON.stringify(article)));
  }

  async journal(entry: Record<string, unknown>, now = new Date()): Promise<void> {
    const [y, m, d] = now.toISOString().slice(0, 10).split("-") as [string, string, string];
    const dir = join(this.dir, "journal", y, m, d);
    const file = join(dir, `${this.consumer.replace(/[^\w.-]/g, "_")}.ndjson`);
    const line = `${JSON.stringify({ ts: now.toISOString(), ...entry })}\n`;
    await this.#dirs.write(dir, () => appendFile(file, line));
  }
}

/** An article file: the graph:add event of the article's latest revision, as saveArticle wrote it. */
export type ArticleFile = EventOf<typeof GraphAdd>;

/** The article files under `graphsDir/articles` (file names, sorted; none when there is no such folder). */
export async function articleFileNames(graphsDir: string): Promise<string[]> {
  const names = await readdir(join(graphsDir, "articles")).catch(() => [] as string[]);
  return names.filter((f) => f.endsWith(".json")).sort();
}

export async function readArticleFile(graphsDir: string, name: string): Promise<ArticleFile> {
  return JSON.parse(await readFile(join(graphsDir, "articles", name), "utf8")) as ArticleFile;
}
