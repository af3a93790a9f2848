import type { Frame } from "./domain/frames.ts";

/** Links per article to titles that are not among the recent articles (the page draws these faintly). */
export const UNREAD_LINKS_SENT = 8;
/** Links kept per article for the welcome (an article links to hundreds; live clients get them all). */
export const LINKS_KEPT = 100;

interface Kept {
  /** the NODE frame, and the read_because link when there is one */
  frames: Frame[];
  /** the article's first LINKS_KEPT page_link targets */
  targets: string[];
}

/**
 * The last `capacity` articles, in arrival order, with their first LINKS_KEPT links: what a newly
 * connected client is sent first. Kept in memory (about 6 KB an article) and fed by the fan-out, so a
 * connection costs no Redis read; filled once from graph:add at start.
 */
export class RecentArticles {
  readonly #byTitle = new Map<string, Kept>();

  constructor(private readonly capacity: number) {}

  /** Takes the frames of one stream entry; only articles are kept (a re-read article moves to the end). */
  add(frames: Frame[]): void {
    const node = frames[0];
    if (this.capacity === 0 || node?.type !== "NODE") return;
    const kept: Kept = { frames: [node], targets: [] };
    for (const f of frames) {
      if (f.type !== "GRAPH_ADD") continue;
      if (f.label === "read_because") kept.frames.push(f);
      else if (kept.targets.length < LINKS_KEPT) kept.targets.push(f.target);
    }
    this.#byTitle.delete(node.id);
    this.#byTitle.set(node.id, kept);
    if (this.#byTitle.size > this.capacity) this.#byTitle.delete(this.#byTitle.keys().next().value as string);
  }

  /**
   * Each article with the link it was read along, its links to the other recent articles, and of its
   * links to titles not read only the first UNREAD_LINKS_SENT — 10,000 articles make a welcome of
   * megabytes, not hundreds.
   */
  frames(): Frame[] {
    const out: Frame[] = [];
    for (const [source, { frames, targets }] of this.#byTitle) {
      out.push(...frames);
      let unread = 0;
      for (const target of targets) {
        if (!this.#byTitle.has(target) && unread++ >= UNREAD_LINKS_SENT) continue;
        out.push({ type: "GRAPH_ADD", source, target, label: "page_link" });
      }
    }
    return out;
  }
}
