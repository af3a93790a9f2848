import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { LuminaError } from "@lumina/errors";
import { Value } from "@sinclair/typebox/value";
import { PersonaFile } from "./schema.ts";

/** A persona file that cannot be used: the message names the file and each field at fault. */
export class PersonaError extends LuminaError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super("persona_invalid", `${source}: ${problems.join("; ")}`, { status: 400 });
  }
}

/** A persona's key: its file name without .json (lower case letters, digits, - and _). */
export const PERSONA_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** `a.b[2].c` from TypeBox's `/a/b/2/c`. */
const fieldOf = (path: string) =>
  path
    .replace(/^\//, "")
    .split("/")
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join("") || "(the file)";

/** What the schema cannot say: levels in order without overlap, a default mood that exists. */
function semanticProblems(p: PersonaFile): string[] {
  const problems: string[] = [];
  const levels = p.hierarchical_config.relationship_levels;
  levels.forEach((level, i) => {
    const [lo, hi] = level.affinity_range;
    const field = `hierarchical_config.relationship_levels[${i}].affinity_range`;
    if (lo > hi) problems.push(`${field}: ${lo} is above ${hi}`);
    const before = levels[i - 1];
    if (before && lo <= before.affinity_range[1])
      problems.push(
        `${field}: starts at ${lo}, inside the level before it (${before.name}, up to ${before.affinity_range[1]})`,
      );
  });
  if (levels[0] && levels[0].affinity_range[0] !== 0)
    problems.push(
      "hierarchical_config.relationship_levels[0].affinity_range: the first level must start at 0",
    );
  const { moods, default_mood } = p.hierarchical_config;
  if (!Object.hasOwn(moods, default_mood))
    problems.push(
      `hierarchical_config.default_mood: "${default_mood}" is not one of the moods (${Object.keys(moods).join(", ")})`,
    );
  return problems;
}

/** Checks a parsed persona file; throws PersonaError naming every field at fault. */
export function parsePersona(value: unknown, source = "persona"): PersonaFile {
  if (!Value.Check(PersonaFile, value)) {
    // The first problem of each field (TypeBox reports a missing object twice: required, and its type).
    const byField = new Map<string, string>();
    for (const e of Value.Errors(PersonaFile, value))
      if (!byField.has(fieldOf(e.path))) byField.set(fieldOf(e.path), e.message);
    const problems = [...byField].slice(0, 10).map(([field, message]) => `${field}: ${message}`);
    throw new PersonaError(source, problems);
  }
  const problems = semanticProblems(value);
  if (problems.length > 0) throw new PersonaError(source, problems);
  return value;
}

/** Reads and checks one persona file. */
export async function loadPersonaFile(path: string): Promise<PersonaFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new LuminaError("persona_not_found", `${path}: cannot be read (${(err as Error).message})`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PersonaError(path, [`not JSON (${(err as Error).message})`]);
  }
  return parsePersona(json, path);
}

/** Every persona of a directory, by key (file name without .json); a bad file fails the whole load. */
export async function loadPersonaDir(dir: string): Promise<Map<string, PersonaFile>> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [];
    throw err;
  });
  const found = new Map<string, PersonaFile>();
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const key = basename(name, ".json");
    if (!PERSONA_KEY.test(key))
      throw new PersonaError(join(dir, name), ["file name: lower-case letters, digits, - and _ only"]);
    found.set(key, await loadPersonaFile(join(dir, name)));
  }
  return found;
}
