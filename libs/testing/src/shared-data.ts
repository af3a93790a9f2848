import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of a file under `../shared/data` (beside the repository), failing clearly when absent. */
export function sharedData(path: string): string {
  const full = fileURLToPath(new URL(`../../../../shared/data/${path}`, import.meta.url));
  if (!existsSync(full))
    throw new Error(`${full} is missing: the tests expect ../shared/data beside the repository`);
  return full;
}
