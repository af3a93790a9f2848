import { Corpus } from "./corpus.ts";

/** The title of page `i` of a synthetic corpus. */
export const syntheticTitle = (i: number): string => `Topic ${i}`;

/**
 * A linked corpus of `pages` articles, "Topic 0" … "Topic n-1", for soak tests and benchmarks: page i
 * links to i+1, i+2, 2i+1 and 2i+2 (mod n), so that every page is reachable from Topic 0, link targets
 * are shared (in-degrees above 1) and the graph widens as it is read. Each page has a lead and two
 * sections of a few sentences, enough for several chunks.
 */
export function syntheticCorpus(pages: number): Corpus {
  const corpus = new Corpus();
  for (let i = 0; i < pages; i++) {
    const links = [...new Set([i + 1, i + 2, 2 * i + 1, 2 * i + 2].map((j) => j % pages))].filter(
      (j) => j !== i,
    );
    const linked = links.map((j) => `[[${syntheticTitle(j)}]]`).join(", ");
    const sentences = (topic: string, n: number) =>
      Array.from(
        { length: n },
        (_, k) =>
          `Fact ${k + 1} about ${topic}: it relates to measure ${(i * 31 + k * 7) % 97} of the synthetic world.`,
      ).join(" ");
    corpus.add(
      syntheticTitle(i),
      [
        `'''${syntheticTitle(i)}''' is a synthetic article, number ${i} of ${pages}. It links to ${linked}.`,
        "",
        "== History ==",
        sentences(`the history of topic ${i}`, 6),
        "",
        "== Relations ==",
        `${syntheticTitle(i)} is related to ${linked}. ${sentences(`the relations of topic ${i}`, 6)}`,
      ].join("\n"),
    );
  }
  return corpus;
}
