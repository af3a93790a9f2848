import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers.ts";

describe("lumina persona", () => {
  it("writes a persona file from the built-in one that validates, and never overwrites one", async () => {
    const dir = await tempDir("lumina-personas-");
    const made = await runCli(["persona", "init", "hana"], { PERSONAS_DIR: dir });
    expect(made.code).toBe(0);
    expect(made.out).toContain('"persona": "hana"');
    const file = join(dir, "hana.json");
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({
      format: "lumina.persona.v1",
      persona: { name: "Hana" },
    });
    const checked = await runCli(["persona", "validate", file], {});
    expect(checked.code).toBe(0);
    expect(checked.out).toMatch(/valid — Hana; levels stranger, acquaintance/);
    expect((await runCli(["persona", "init", "hana"], { PERSONAS_DIR: dir })).code).toBe(73);
    expect((await runCli(["persona", "init", "Bad Name"], { PERSONAS_DIR: dir })).code).toBe(64);
  });

  it("names each field at fault in an invalid file, with exit code 65", async () => {
    const dir = await tempDir("lumina-personas-");
    const file = join(dir, "broken.json");
    const p = JSON.parse(await readFile("personas/sakura.json", "utf8"));
    p.hierarchical_config.relationship_levels[0].affinity_range = [0, 30];
    p.affinity.per_sentiment.positive = "lots";
    await writeFile(file, JSON.stringify(p));
    const checked = await runCli(["persona", "validate", "personas/sakura.json", file], {});
    expect(checked.code).toBe(65);
    expect(checked.out).toContain("personas/sakura.json: valid");
    expect(checked.err).toContain(`${file}: invalid`);
    expect(checked.err).toContain("affinity.per_sentiment.positive: Expected number");
    await writeFile(file, "{ not json");
    expect((await runCli(["persona", "validate", file], {})).err).toMatch(/not JSON/);
  });
});
