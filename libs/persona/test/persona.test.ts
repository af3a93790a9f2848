import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  compilePersona,
  emotionalContext,
  fallbackPhrase,
  levelOf,
  moodFor,
  PersonaError,
  PersonaFile,
  PersonaLibrary,
  parsePersona,
} from "../src/index.ts";

const SAKURA = fileURLToPath(new URL("../../../personas/sakura.json", import.meta.url));
const sakura = async (): Promise<PersonaFile> => parsePersona(JSON.parse(await readFile(SAKURA, "utf8")));
const clone = <T>(v: T): T => structuredClone(v);
/** A copy of a persona file with fields set (undefined: removed) by their paths: broken on purpose. */
function broken(p: PersonaFile, edits: [string, unknown][]): unknown {
  const copy = structuredClone(p) as unknown as Record<string, unknown>;
  for (const [path, value] of edits) {
    const keys = path.split(".");
    const last = keys.pop() as string;
    let at = copy;
    for (const k of keys) at = at[k] as Record<string, unknown>;
    if (value === undefined) delete at[last];
    else at[last] = value;
  }
  return copy;
}

describe("persona files", () => {
  it("compile to different prompts at affinity 10 and 50, and in moods neutral and sad, from the file's words", async () => {
    const p = await sakura();
    const [stranger, , friend] = p.hierarchical_config.relationship_levels;
    const sad = p.hierarchical_config.moods.sad;
    const at10 = compilePersona(p, { points: 10 }).prompt;
    const at50 = compilePersona(p, { points: 50 }).prompt;
    const sad50 = compilePersona(p, { points: 50, mood: "sad", intensity: 0.8 });
    expect(at10).not.toBe(at50);
    expect(sad50.prompt).not.toBe(at50);
    expect(at10).toContain(`Tone: ${stranger?.modifiers.tone}.`);
    expect(at10).not.toContain(friend?.modifiers.tone);
    expect(at50).toContain(`Tone: ${friend?.modifiers.tone}.`);
    for (const b of friend?.modifiers.behaviour ?? []) expect(at50).toContain(b);
    expect(at50).toContain("mood in this conversation: neutral.");
    expect(sad50).toMatchObject({ level: "friend", mood: "sad", name: "Sakura" });
    expect(sad50.prompt).toContain(`Tone: ${sad?.modifiers.tone}.`);
    expect(sad50.prompt).toContain("sad (intensity 80 %)");
    expect(at10).toContain(`You are Sakura: ${p.persona.description}.`);
    expect(at10).toContain(p.core_traits?.join(", "));

    // Every value comes from the file: other words in the file, other words in the prompt.
    const edited = clone(p);
    (edited.hierarchical_config.relationship_levels[0] as { modifiers: { tone: string } }).modifiers.tone =
      "icy and distant";
    edited.persona.name = "Hana";
    const changed = compilePersona(edited, { points: 10 }).prompt;
    expect(changed).toContain("Tone: icy and distant.");
    expect(changed).toContain("You are Hana:");
    expect(changed).not.toContain(stranger?.modifiers.tone);
    // Levels off: one tone whatever the affinity.
    edited.hierarchical_config.enabled = false;
    expect(compilePersona(edited, { points: 10 }).prompt).toBe(compilePersona(edited, { points: 90 }).prompt);
  });

  it("names the level points fall in and the mood an emotion sets, from the file's ranges and lists", async () => {
    const p = await sakura();
    expect([0, 20, 20.5, 21, 60, 100].map((n) => levelOf(p, n).name)).toEqual([
      "stranger",
      "stranger",
      "stranger",
      "acquaintance",
      "friend",
      "soulmate",
    ]);
    expect(moodFor(p, "sadness", 0.9)).toEqual({ mood: "sad", intensity: 0.9 });
    expect(moodFor(p, "sadness", 0.3)).toEqual({ mood: "neutral", intensity: 0 }); // under min_confidence
    expect(moodFor(p, "love", 0.7).mood).toBe("shy");
  });

  it("writes the emotional context with the file's guidance and past moments, only when strong", async () => {
    const p = await sakura();
    const moments = [
      { date: "2026-11-01", summary: "My grandmother died last month." },
      { date: "2026-10-01", summary: "I failed my exam." },
      { date: "2026-09-01", summary: "A third one." },
    ];
    const block = emotionalContext(p, { emotion: "sadness", confidence: 0.85 }, moments) ?? "";
    expect(block).toContain("the user seems to feel sadness (85 %)");
    expect(block).toContain(p.emotional_context.guidance.sadness);
    expect(block).toContain("- 2026-11-01: My grandmother died last month.");
    expect(block).not.toContain("A third one"); // past_moments: 2
    expect(emotionalContext(p, { emotion: "sadness", confidence: 0.4 }, moments)).toBeUndefined();
    expect(emotionalContext(p, { emotion: "neutral", confidence: 1 }, moments)).toBeUndefined();
  });

  it("fills the fallback phrases in each language", async () => {
    const p = await sakura();
    expect(fallbackPhrase(p, "es", "self")).toMatch(/^Me llamo Sakura\./);
    expect(fallbackPhrase(p, "es", "user_known", "Carlos")).toBe("Y tú eres Carlos, lo recuerdo.");
  });

  it("rejects an invalid file with an error naming each field at fault", async () => {
    const p = broken(await sakura(), [
      ["hierarchical_config.relationship_levels.1.affinity_range", [15, 40]],
      ["hierarchical_config.default_mood", "grumpy"],
    ]);
    const err = (() => {
      try {
        parsePersona(p, "sakura.json");
      } catch (e) {
        return e as PersonaError;
      }
    })();
    expect(err).toBeInstanceOf(PersonaError);
    expect(err?.code).toBe("persona_invalid");
    expect(err?.message).toContain(
      "hierarchical_config.relationship_levels[1].affinity_range: starts at 15, inside the level before it (stranger, up to 20)",
    );
    expect(err?.message).toContain('hierarchical_config.default_mood: "grumpy" is not one of the moods');

    const bad = broken(await sakura(), [
      ["affinity.per_sentiment.positive", "lots"],
      ["persona.name", undefined],
      ["persona.colour", "pink"],
    ]);
    const message = (() => {
      try {
        parsePersona(bad, "x.json");
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^x\.json: /);
    expect(message).toContain("affinity.per_sentiment.positive: Expected number");
    expect(message).toContain("persona.name: Expected required property");
    expect(message).toContain("persona.colour: Unexpected property");
  });

  it("loads the built-in persona and a directory's, and refuses an unknown one with 404", async () => {
    const dir = fileURLToPath(new URL("../../../personas", import.meta.url));
    const library = await PersonaLibrary.load(dir);
    expect(library.keys()).toEqual(expect.arrayContaining(["lumina", "sakura"]));
    expect(library.get(undefined).persona.persona.name).toBe("Lumina");
    expect(library.get("sakura").persona.persona.name).toBe("Sakura");
    expect(() => library.get("nobody")).toThrow(
      expect.objectContaining({ code: "persona_not_found", status: 404 }),
    );
    await expect(PersonaLibrary.load(dir, "nobody")).rejects.toThrow(/PERSONA=nobody/);
  });

  it("has its JSON schema committed for editors (docs/persona.schema.json)", async () => {
    const committed = JSON.parse(
      await readFile(fileURLToPath(new URL("../../../docs/persona.schema.json", import.meta.url)), "utf8"),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(PersonaFile)));
  });
});
