import { createHash } from "node:crypto";

export interface Chunk {
  /** hash(page id, revision, index): re-ingesting a revision overwrites its chunks, a new one replaces them. */
  id: string;
  index: number;
  section: string;
  text: string;
}

export const chunkId = (pageId: number, revision: number, index: number): string =>
  createHash("sha256").update(`${pageId}:${revision}:${index}`).digest("hex").slice(0, 32);

/**
 * Section-aware chunking: chunks never span two sections; a long section is cut at paragraph, then
 * sentence, then word boundaries into pieces of at most `size` characters, each starting with the last
 * `overlap` characters of the previous one (cut at a word boundary).
 */
export function chunkSections(
  pageId: number,
  revision: number,
  sections: { heading: string; text: string }[],
  size: number,
  overlap: number,
): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of sections) {
    for (const text of splitText(section.text, size, Math.min(overlap, Math.floor(size / 2)))) {
      chunks.push({
        id: chunkId(pageId, revision, chunks.length),
        index: chunks.length,
        section: section.heading,
        text,
      });
    }
  }
  return chunks;
}

function splitText(text: string, size: number, overlap: number): string[] {
  const pieces = atoms(text.trim(), size);
  const out: string[] = [];
  let current = "";
  for (const piece of pieces) {
    if (current && current.length + 1 + piece.length > size) {
      out.push(current);
      current = tail(current, overlap);
    }
    current = current ? `${current}${current.endsWith("\n") ? "" : " "}${piece}` : piece;
  }
  if (current.trim()) out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Paragraphs, or sentences of a long paragraph, or words of a long sentence: each at most `size`. */
function atoms(text: string, size: number): string[] {
  return text.split(/\n+/).flatMap((para) => {
    if (para.length <= size) return [para];
    return para.split(/(?<=[.!?])\s+/).flatMap((sentence) => {
      if (sentence.length <= size) return [sentence];
      const words: string[] = [];
      let line = "";
      for (const word of sentence.split(/\s+/)) {
        if (line && line.length + 1 + word.length > size) {
          words.push(line);
          line = "";
        }
        line = line ? `${line} ${word}` : word.slice(0, size);
      }
      return line ? [...words, line] : words;
    });
  });
}

function tail(text: string, overlap: number): string {
  if (overlap === 0) return "";
  const cut = text.slice(-overlap);
  const space = cut.indexOf(" ");
  return space >= 0 ? cut.slice(space + 1) : cut;
}
