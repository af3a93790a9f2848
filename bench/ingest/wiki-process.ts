/**
 * The local Wikipedia of bench/ingest, in a process of its own: serving pages is Wikipedia's work, so
 * it must not share Lumina's event loop (the one-process runner's main thread is what the bench
 * measures). Renders every page once before it answers, prints `{"apiUrl": …}` on stdout when ready,
 * and stops on SIGTERM or when its parent's stdin closes.
 * Usage: node --import tsx bench/ingest/wiki-process.ts <probes>
 */
import { Corpus, startWikiFixture } from "@lumina/wiki-fixture";

export const PROBE = (i: number) => `Latency probe ${i}`;

export function benchCorpus(probes: number): Corpus {
  const corpus = Corpus.bundled();
  for (let i = 0; i < probes; i++) {
    corpus.add(PROBE(i), `'''${PROBE(i)}''' is a synthetic page for bench/ingest. It links to [[Bodmin]].`);
  }
  return corpus;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const corpus = benchCorpus(Number(process.argv[2] ?? 0));
  const wiki = await startWikiFixture({ corpus });
  // On the real site, rendering is Wikipedia's work too: every page once, before timing.
  for (const title of corpus.titles()) {
    await fetch(
      `${wiki.apiUrl}?action=parse&format=json&formatversion=2&page=${encodeURIComponent(title)}`,
    ).then((r) => r.arrayBuffer());
  }
  process.stdout.write(`${JSON.stringify({ apiUrl: wiki.apiUrl })}\n`);
  const stop = () => void wiki.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.stdin.on("end", stop).resume();
}
