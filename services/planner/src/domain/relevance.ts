/**
 * The planner's relevance term: how close a candidate title is to what Lumina is meant to know about —
 * the articles people seeded and the questions they asked recently (its "interests"). Pure; the
 * vectors come from the configured embedder (relevance.ts).
 */

export interface Interest {
  vector: ArrayLike<number>;
  /** ms since it was seeded or asked */
  ageMs: number;
  kind: "seed" | "question";
}

/** Relevance never reaches 0, so a product of terms still orders candidates that share no interest. */
export const RELEVANCE_FLOOR = 0.01;
/** What a title that names no topic (a list, a date, an identifier…) keeps of its relevance. */
export const NOT_AN_ARTICLE_FACTOR = 0.1;

/**
 * Titles of pages that are not articles about a topic: lists and indexes, bare years, decades,
 * centuries and dates, identifier pages (ISBN, DOI…) and disambiguation pages. On real Wikipedia they
 * are the hubs nearly every article links to, and they say nothing about the topic being read.
 */
const NOT_AN_ARTICLE = [
  /^(list|lists|index|outline|timeline|glossary) of /i,
  /^\d{1,4}( (BC|BCE|AD|CE))?$/i, // 1990, 44 BC
  /^\d{1,4}0s( (BC|BCE))?$/i, // 1990s
  /^\d{1,2}(st|nd|rd|th) (century|millennium)( (BC|BCE|AD|CE))?$/i,
  /^(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}$/i,
  /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)$/i,
  /\((identifier|disambiguation)\)$/i,
  /^(ISBN|ISSN|Digital object identifier|Doi|PMID|PubMed Central|JSTOR|Bibcode|ArXiv|OCLC|S2CID|Wayback Machine)$/i,
];

export const isNotAnArticle = (title: string): boolean => NOT_AN_ARTICLE.some((re) => re.test(title));

/** Cosine similarity of two L2-normalised vectors (the embedders' contract). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

/**
 * An interest's weight. A seed is a standing interest: 1 when fresh, falling towards ½ with
 * `halfLifeMs`, never forgotten. A question is the person's need of the moment: 2 when fresh, falling
 * towards 1, so that what was just asked is read before the seeds' topics go on.
 */
export function interestWeight(i: Pick<Interest, "ageMs" | "kind">, halfLifeMs: number): number {
  const fresh = 0.5 ** (Math.max(0, i.ageMs) / halfLifeMs);
  return i.kind === "question" ? 1 + fresh : 0.5 + 0.5 * fresh;
}

/**
 * Closeness of a candidate: its best weighted cosine with any interest (each interest is a topic of
 * its own: seeding two unrelated topics means both are wanted), between RELEVANCE_FLOOR and 1, cut to
 * a tenth for pages that are not articles. With no interest at all every candidate is equally relevant (1).
 */
export function relevanceTerm(
  title: string,
  vector: ArrayLike<number>,
  interests: Interest[],
  halfLifeMs: number,
): number {
  let best = interests.length === 0 ? 1 : RELEVANCE_FLOOR;
  for (const i of interests) best = Math.max(best, cosine(vector, i.vector) * interestWeight(i, halfLifeMs));
  return Math.min(1, best) * (isNotAnArticle(title) ? NOT_AN_ARTICLE_FACTOR : 1);
}

/**
 * Specificity of a link target: 1 − (read articles linking to it) / (read articles + 1). A title that
 * every article links to (a country, a publisher, an identifier) says nothing about the topic being
 * read, like a word found in every document; one linked from a few says something. With one article
 * read every link is equally specific (½); the term separates hubs as soon as a few are read.
 */
export const specificity = (inDegree: number, nodes: number): number =>
  Math.max(0, 1 - Math.max(0, inDegree) / (Math.max(0, nodes) + 1));

/** The relevance term: topical closeness (relevanceTerm) × specificity, never under RELEVANCE_FLOOR. */
export const relevanceWithSpecificity = (closeness: number, inDegree: number, nodes: number): number =>
  Math.max(RELEVANCE_FLOOR, closeness * specificity(inDegree, nodes));

/**
 * The candidates close enough to the topic to be read now: relevance at least `ratio` × the best
 * relevance among them and `alsoComing` (the best of those sent and not read yet). The others wait —
 * they are read when nothing closer is left or coming, so Lumina reads a topic out before it wanders
 * to hubs and neighbouring topics. ratio 0 keeps everything.
 */
export function onTopic<T extends { relevance: number }>(
  candidates: T[],
  ratio: number,
  alsoComing = 0,
): T[] {
  const best = Math.max(alsoComing, ...candidates.map((c) => c.relevance));
  return candidates.filter((c) => c.relevance >= ratio * best);
}
