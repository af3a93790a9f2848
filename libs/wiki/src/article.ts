/** A parsed Wikipedia article: what the crawler publishes on graph:add. */
export interface Article {
  title: string;
  pageId: number;
  revision: number;
  url: string;
  /** Wikidata item id (Q-id), when the page has one. */
  wikidata?: string;
  /** The lead section's text (before the first heading). */
  summary: string;
  sections: Section[];
  /** Infobox rows as label → value text. */
  infobox: Record<string, string>;
  /** Outgoing links to other articles (namespace 0), normalised, unique, in page order. */
  links: string[];
  /** Visible (non-hidden) categories, without the `Category:` prefix. */
  categories: string[];
  /** hash(title + first sentence): identifies the seed even across renames of the page. */
  fingerprint: string;
}

export interface Section {
  heading: string;
  /** 1 for the lead, 2 for ==H2==, … */
  level: number;
  text: string;
}
