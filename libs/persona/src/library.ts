import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LuminaError } from "@lumina/errors";
import { loadPersonaDir, loadPersonaFile, parsePersona } from "./load.ts";
import type { PersonaFile } from "./schema.ts";

/** The persona Lumina ships (libs/persona/personas/lumina.json): the fallback when no file overrides it. */
export const BUILT_IN_PERSONA = fileURLToPath(new URL("../personas/lumina.json", import.meta.url));
export const DEFAULT_PERSONA = "lumina";

/** The personas a process knows: the built-in one, and every file of PERSONAS_DIR (which may replace it). */
export class PersonaLibrary {
  private constructor(
    private readonly byKey: ReadonlyMap<string, PersonaFile>,
    readonly defaultKey: string,
  ) {}

  /** Loads the directory (absent: the built-in persona only); a default that no file defines fails. */
  static async load(dir: string | undefined, defaultKey = DEFAULT_PERSONA): Promise<PersonaLibrary> {
    const byKey = new Map([[DEFAULT_PERSONA, await loadPersonaFile(BUILT_IN_PERSONA)]]);
    if (dir) for (const [key, p] of await loadPersonaDir(dir)) byKey.set(key, p);
    if (!byKey.has(defaultKey))
      throw new LuminaError(
        "persona_not_found",
        `PERSONA=${defaultKey}: no ${defaultKey}.json in ${dir ?? "(no PERSONAS_DIR)"}; known: ${[...byKey.keys()].join(", ")}`,
      );
    return new PersonaLibrary(byKey, defaultKey);
  }

  /** The built-in persona alone (a service built without PERSONAS_DIR, e.g. in a test). */
  static builtIn(): PersonaLibrary {
    const persona = parsePersona(JSON.parse(readFileSync(BUILT_IN_PERSONA, "utf8")), BUILT_IN_PERSONA);
    return new PersonaLibrary(new Map([[DEFAULT_PERSONA, persona]]), DEFAULT_PERSONA);
  }

  keys(): string[] {
    return [...this.byKey.keys()].sort();
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The persona of this key (the default when none is asked for); unknown: a 404 `persona_not_found`. */
  get(key: string | undefined): { key: string; persona: PersonaFile } {
    const k = key ?? this.defaultKey;
    const persona = this.byKey.get(k);
    if (!persona)
      throw new LuminaError("persona_not_found", `no persona "${k}"; known: ${this.keys().join(", ")}`, {
        status: 404,
      });
    return { key: k, persona };
  }
}
