import type { Frame } from "./domain/frames.ts";

/**
 * The frames (NODE + its GRAPH_ADD links) of the last `capacity` articles, in arrival order: what a
 * newly connected client is sent first. Kept in memory and fed by the fan-out, so a connection costs
 * no Redis read; filled once from graph:add at start.
 */
export class RecentArticles {
  readonly #byTitle = new Map<string, Frame[]>();

  constructor(private readonly capacity: number) {}

  /** Takes the frames of one stream entry; only articles are kept (a re-read article moves to the end). */
  add(frames: Frame[]): void {
    const node = frames[0];
    if (this.capacity === 0 || node?.type !== "NODE") return;
    this.#byTitle.delete(node.id);
    this.#byTitle.set(node.id, frames);
    if (this.#byTitle.size > this.capacity) this.#byTitle.delete(this.#byTitle.keys().next().value as string);
  }

  frames(): Frame[] {
    return [...this.#byTitle.values()].flat();
  }
}
