import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** Bytes of every file under `dir` (0 when it does not exist): e.g. a LanceDB table, old versions included. */
export async function diskBytes(dir: string): Promise<number> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const sizes = await Promise.all(
    files.filter((f) => f.isFile()).map((f) => stat(join(f.parentPath, f.name)).then((s) => s.size)),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
