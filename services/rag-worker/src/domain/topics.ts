import { isStopword, terms } from "@lumina/text";

const QUESTION_WORDS =
  /^(who|what|when|where|which|why|how|whose|whom|is|are|was|were|do|does|did|can|could|tell|name|list|give|explain|describe)$/i;
const CONNECTORS = new Set(["of", "the", "de", "la", "von", "van", "and", "in", "for"]);

/**
 * Article titles a question is about, for gap:req when Lumina cannot answer it: runs of capitalised
 * words (joined through "of", "the", "de" …), quoted phrases, or — when there are none — its first
 * content words, as a title ("how do tides form" → "Tides form"). At most `max`, longest first.
 */
export function topicsOf(question: string, max = 3): string[] {
  const found: string[] = [];
  for (const m of question.matchAll(/["“']([^"”']{3,80})["”']/g)) found.push((m[1] as string).trim());

  const words = question
    .replace(/[?!.,;:()"“”]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  let run: string[] = [];
  const flush = () => {
    while (run.length > 0 && CONNECTORS.has((run.at(-1) as string).toLowerCase())) run.pop();
    if (run.length > 0) found.push(run.join(" "));
    run = [];
  };
  words.forEach((word, i) => {
    const capital = /^[\p{Lu}\p{N}]/u.test(word);
    const leadingQuestionWord = i === 0 && QUESTION_WORDS.test(word);
    if (capital && !leadingQuestionWord && !(i === 0 && isStopword(word))) run.push(word);
    else if (run.length > 0 && CONNECTORS.has(word.toLowerCase())) run.push(word);
    else flush();
  });
  flush();

  if (found.length === 0) {
    const content = terms(question).slice(0, 3).join(" ");
    if (content) found.push(content.charAt(0).toUpperCase() + content.slice(1));
  }
  const unique = [...new Set(found.map((t) => t.replace(/\s+/g, " ").trim()))].filter(
    (t) => t.length > 1 && t.length <= 200,
  );
  return unique.sort((a, b) => b.length - a.length).slice(0, max);
}
