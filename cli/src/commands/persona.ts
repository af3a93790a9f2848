import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BUILT_IN_PERSONA, loadPersonaFile, PERSONA_KEY, PersonaError } from "@lumina/persona";

/*
 * `lumina persona init NAME` writes personas/NAME.json from the built-in persona, for editing;
 * `lumina persona validate FILE…` checks files and names each field at fault. Exit codes: 0 done,
 * 64 bad usage, 65 an invalid file, 73 the file to write exists.
 */

const USAGE = `Usage: lumina persona <command>
  init NAME [--dir D]      write D/NAME.json (D: PERSONAS_DIR, else personas) from the built-in persona
  validate FILE…           check persona files; each problem names its field
`;

export async function persona(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: "string" } },
  });
  const [command, ...rest] = positionals;
  if (command === "init" && rest.length === 1)
    return init(rest[0] as string, values.dir ?? (env.PERSONAS_DIR || "personas"));
  if (command === "validate" && rest.length > 0) return validate(rest);
  process.stderr.write(
    `lumina persona: ${command ? `bad usage of ${command}` : "give a command"}\n\n${USAGE}`,
  );
  return 64;
}

async function init(name: string, dir: string): Promise<number> {
  if (!PERSONA_KEY.test(name)) {
    process.stderr.write(
      `lumina persona: "${name}": lower-case letters, digits, - and _ (it names the file)\n`,
    );
    return 64;
  }
  const file = resolve(join(dir, `${name}.json`));
  if (
    await access(file).then(
      () => true,
      () => false,
    )
  ) {
    process.stderr.write(`lumina persona: ${file} exists; not overwritten\n`);
    return 73;
  }
  const template = JSON.parse(await readFile(BUILT_IN_PERSONA, "utf8")) as { persona: { name: string } };
  template.persona.name = name.charAt(0).toUpperCase() + name.slice(1);
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${JSON.stringify(template, null, 2)}\n`);
  process.stdout.write(
    `wrote ${file}: edit its persona, levels and moods (docs/persona.md), then \`lumina persona validate ${file}\`; ask with {"persona": "${name}"} or model "lumina:${name}"\n`,
  );
  return 0;
}

async function validate(files: string[]): Promise<number> {
  let failed = 0;
  for (const file of files) {
    try {
      const p = await loadPersonaFile(file);
      const levels = p.hierarchical_config.relationship_levels.map((l) => l.name).join(", ");
      process.stdout.write(
        `${file}: valid — ${p.persona.name}; levels ${levels}; moods ${Object.keys(p.hierarchical_config.moods).join(", ")}\n`,
      );
    } catch (err) {
      failed++;
      if (!(err instanceof PersonaError) && !(err instanceof Error)) throw err;
      const problems = err instanceof PersonaError ? err.problems : [err.message];
      process.stderr.write(`${file}: invalid\n${problems.map((p) => `  - ${p}\n`).join("")}`);
    }
  }
  return failed > 0 ? 65 : 0;
}
