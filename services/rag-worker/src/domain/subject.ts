/**
 * Questions that ask what, who or where something is, or ask to be told about it: "What is Bodmin?",
 * "Who was Ada Lovelace?", "Where is Toronto?", "Tell me about the Goryeo ware", or the bare name. The
 * answer to them is the lead of the article of that name, which a ranking by terms and vectors does not
 * always put first (a chunk of another article that mentions the name often scores as high).
 */
const ASKS = [
  /^(?:what|who|where)\s+(?:is|are|was|were)\s+(.+)$/i,
  /^(?:tell\s+me\s+(?:about|of)|describe|explain|define)\s+(.+)$/i,
  /^(?:what\s+do\s+you\s+know\s+about|what\s+about)\s+(.+)$/i,
];
const ARTICLE = /^(?:the|a|an)\s+/i;

/**
 * The article titles such a question names, most likely first (at most 3); none for other questions.
 * A bare name of one to five words counts as asking about it.
 */
export function subjectTitles(question: string): string[] {
  const q = question
    .trim()
    .replace(/[?!.]+$/, "")
    .trim();
  let subject: string | undefined;
  for (const re of ASKS) {
    const m = re.exec(q);
    if (m) {
      subject = m[1];
      break;
    }
  }
  if (subject === undefined && /^[\p{L}\p{N}'’&.-]+(?:\s+[\p{L}\p{N}'’&.-]+){0,4}$/u.test(q)) subject = q;
  if (!subject) return [];
  const titles = new Set<string>();
  for (const s of [subject.trim(), subject.trim().replace(ARTICLE, "")]) {
    if (!s) continue;
    titles.add(s.charAt(0).toUpperCase() + s.slice(1));
    titles.add(s);
  }
  return [...titles].filter((t) => t.length > 0 && t.length <= 200).slice(0, 3);
}
