import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EventOf, GraphAdd } from "@lumina/events";

/**
 * The indexer's files under GRAPH_DIR (DATA_DIR/graphs), the source of truth everything else can be
 * rebuilt from (DESIGN §5):
 * - `articles/<page id>.json`: the latest parsed revision of each article (overwritten: idempotent);
 * - `journal/YYYY/MM/DD/<consumer>.ndjson`: one line per handled graph:add, append-only. A redelivered
 *   event appends a second identical line; replaying the journal is idempotent, so that is harmless.
 *   One file per consumer keeps replicas from interleaving their writes.
 */
export class GraphFiles {
  constructor(
    private readonly dir: string,
    private readonly consumer: string,
  ) {}

  async saveArticle(article: EventOf<typeof GraphAdd>): Promise<void> {
    const dir = join(this.dir, "articles");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${article.page_id}.json`), JSON.stringify(article));
  }

  async journal(entry: Record<string, unknown>, now = new Date()): Promise<void> {
    const [y, m, d] = now.toISOString().slice(0, 10).split("-") as [string, string, string];
    const dir = join(this.dir, "journal", y, m, d);
    await mkdir(dir, { recursive: true });
    await appendFile(
      join(dir, `${this.consumer.replace(/[^\w.-]/g, "_")}.ndjson`),
      `${JSON.stringify({ ts: now.toISOString(), ...entry })}\n`,
    );
  }
}
