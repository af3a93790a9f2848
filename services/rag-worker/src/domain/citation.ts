import { type SentenceSpan as Span, sentenceSpans, terms } from "@lumina/text";

/** The sentence of a chunk that an answer rests on: its words and where they stand in the chunk. */
export interface Quote {
  text: string;
  /** `chunk.text.slice(start, end) === text`. */
  start: number;
  end: number;
}

/**
 * The sentences of `chunk` the answer quotes — the extractive answerer copies sentences whole; of
 * several, the longest run of consecutive ones, the earliest on a tie — or, for a model's words, the
 * sentence sharing the most of the answer's content words (ties to the earlier). Undefined for a chunk
 * with no sentence sharing a word with the answer.
 */
export function quoteOf(chunk: string, answer: string): Quote | undefined {
  const spans = sentenceSpans(chunk);
  const flat = answer.replace(/\s+/g, " ");
  const copied = spans.map((s) => s.text.length > 20 && flat.includes(s.text.replace(/\s+/g, " ")));
  let run: [number, number] | undefined;
  for (let i = 0; i < spans.length; i++) {
    if (!copied[i] || copied[i - 1]) continue;
    let j = i;
    while (copied[j + 1]) j++;
    if (!run || j - i > run[1] - run[0]) run = [i, j];
  }
  if (run) {
    const [from, to] = [spans[run[0]], spans[run[1]]] as [Span, Span];
    return { text: chunk.slice(from.start, to.end), start: from.start, end: to.end };
  }
  const said = new Set(terms(answer));
  let best: { span: (typeof spans)[number]; shared: number } | undefined;
  for (const span of spans) {
    const shared = new Set(terms(span.text).filter((t) => said.has(t))).size;
    if (shared > 0 && (!best || shared > best.shared)) best = { span, shared };
  }
  return best ? { text: best.span.text, start: best.span.start, end: best.span.end } : undefined;
}

/** A text fragment's part: percent-encoded, with the characters the fragment syntax uses (-,&) too. */
const fragmentPart = (s: string) => encodeURIComponent(s).replace(/-/g, "%2D").replace(/,/g, "%2C");

/**
 * The exact revision of the article the chunk was read from, with a text fragment that scrolls to the
 * quoted sentence and highlights it (`…/w/index.php?title=T&oldid=REV#:~:text=start,end`). The wiki's
 * origin comes from the article's URL; undefined when the URL is not a wiki article's.
 */
export function permalink(url: string, title: string, revision: number, quote?: Quote): string | undefined {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return undefined;
  }
  const page = `${origin}/w/index.php?title=${encodeURIComponent(title.replace(/ /g, "_"))}&oldid=${revision}`;
  if (!quote) return page;
  const words = quote.text.replace(/\s+/g, " ").split(" ");
  const fragment =
    words.length <= 8
      ? fragmentPart(words.join(" "))
      : `${fragmentPart(words.slice(0, 4).join(" "))},${fragmentPart(words.slice(-4).join(" "))}`;
  return `${page}#:~:text=${fragment}`;
}
