import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of a file under the repository's `fixtures/` folder, failing clearly when absent. */
export function fixture(path: string): string {
  const full = fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));
  if (!existsSync(full)) throw new Error(`${full} is missing: see fixtures/README.md for what belongs there`);
  return full;
}
