import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { normalizeTitle } from "@lumina/wiki";

/** Where the bundled corpus lies: `lumina wiki serve` serves it by default. */
export const BUNDLED_CORPUS_DIR = fileURLToPath(new URL("../corpus", import.meta.url));

/** Wikitext pages by title. Titles come from file names: `United-Kingdom.txt` is "United Kingdom". */
export class Corpus {
  readonly #pages = new Map<string, string>();

  /** The 71 real articles that ship with this package (corpus/; sources and licences in fixtures/README.md). */
  static bundled(): Corpus {
    return Corpus.fromDirectory(BUNDLED_CORPUS_DIR);
  }

  /** Loads every `*.txt` file of `dir` (e.g. the bundled corpus/). */
  static fromDirectory(dir: string): Corpus {
    const corpus = new Corpus();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".txt"))) {
      corpus.add(basename(file, ".txt").replace(/[-_]/g, " "), readFileSync(join(dir, file), "utf8"));
    }
    return corpus;
  }

  /** Adds or replaces a page; a new text is a new revision. */
  add(title: string, wikitext: string): this {
    this.#pages.set(normalizeTitle(title, "fixture.invalid"), wikitext);
    return this;
  }

  /** The page, or undefined when it is absent or `title` is not a valid title at all. */
  get(title: string): { title: string; wikitext: string; pageId: number; revision: number } | undefined {
    const k = key(title);
    if (k === undefined) return undefined;
    const wikitext = this.#pages.get(k);
    if (wikitext === undefined) return undefined;
    return { title: k, wikitext, pageId: stableId(`page:${k}`), revision: stableId(`rev:${k}:${wikitext}`) };
  }

  has(title: string): boolean {
    const k = key(title);
    return k !== undefined && this.#pages.has(k);
  }

  titles(): string[] {
    return [...this.#pages.keys()];
  }
}

/** The canonical title, or undefined for a string that cannot be a title. */
export function key(title: string): string | undefined {
  try {
    return normalizeTitle(title, "fixture.invalid");
  } catch {
    return undefined;
  }
}

/** A positive 31-bit integer derived from `s`: stable across runs, like page and revision ids. */
function stableId(s: string): number {
  return createHash("sha1").update(s).digest().readUInt32BE(0) & 0x7fffffff || 1;
}
