import { mkdir } from "node:fs/promises";

/**
 * Directories a service writes into, each made once (`mkdir -p` per write is a system call and a
 * thread-pool round trip every time). A write into a directory that was removed since (a restore, a
 * person) fails with ENOENT: the directory is made again and the write retried.
 */
export class MadeDirs {
  readonly #made = new Set<string>();

  async write<T>(dir: string, write: () => Promise<T>): Promise<T> {
    if (this.#made.has(dir)) {
      try {
        return await write();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    await mkdir(dir, { recursive: true });
    this.#made.add(dir);
    return write();
  }
}
