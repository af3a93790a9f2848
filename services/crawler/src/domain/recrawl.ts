/** What the crawler remembers of an article it has read (hash `crawl:seen`, field = title). */
export interface SeenRecord {
  revision: number;
  fetchedAt: number;
}

export const encodeSeen = (r: SeenRecord): string => `${r.revision}|${r.fetchedAt}`;

export function decodeSeen(value: string | null | undefined): SeenRecord | undefined {
  const [revision, fetchedAt] = (value ?? "").split("|").map(Number);
  return Number.isFinite(revision) && Number.isFinite(fetchedAt)
    ? { revision: revision as number, fetchedAt: fetchedAt as number }
    : undefined;
}

/** Before fetching: skip when the article was read less than `recrawlDays` ago. */
export function isFresh(seen: SeenRecord | undefined, now: number, recrawlDays: number): boolean {
  return seen !== undefined && now - seen.fetchedAt < recrawlDays * 86_400_000;
}

/** After fetching: publish only when the revision changed since the last read. */
export const isUnchanged = (seen: SeenRecord | undefined, revision: number): boolean =>
  seen?.revision === revision;
