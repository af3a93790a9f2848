export type { Article, Section } from "./article.ts";
export { htmlText } from "./html-text.ts";
export { fingerprint, type PageMeta, parseArticle } from "./parse-article.ts";
export { InvalidTitleError, normalizeTitle, titleToPath } from "./title.ts";
export { type FetchedArticle, MissingPageError, WikiSource, type WikiSourceOptions } from "./wiki-source.ts";
