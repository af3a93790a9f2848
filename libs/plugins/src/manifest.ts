import { readFile } from "node:fs/promises";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { parse } from "yaml";
import { LuminaError, messageOf } from "@lumina/errors";

/** The plugin API this build offers; a manifest asks for one it knows. */
export const API_VERSION = 1;

const Name = Type.String({ pattern: "^[a-z][a-z0-9-]{1,39}$", description: "lower-case, digits and dashes" });

/** `modules/<name>/manifest.yml` (the seed's module manifest). */
export const Manifest = Type.Object(
  {
    name: Name,
    version: Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+", description: "semver" }),
    api_version: Type.Integer({ minimum: 1 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    /** Other plugins this one needs, loaded before it. */
    dependencies: Type.Optional(Type.Array(Name)),
    /** HTTP endpoints it adds to the rag-worker, served under /plugins/<name><path>. */
    endpoints: Type.Optional(
      Type.Array(
        Type.Object(
          {
            method: Type.Union([Type.Literal("GET"), Type.Literal("POST")]),
            path: Type.String({ pattern: "^/[a-z0-9/_:-]*$" }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    permissions: Type.Optional(
      Type.Object(
        {
          /** streams it may consume (its own consumer group `plugin:<name>`) */
          subscribe: Type.Optional(Type.Array(Type.String())),
          /** streams it may publish to */
          publish: Type.Optional(Type.Array(Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    /** the module file, relative to the manifest (default index.ts) */
    main: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Manifest = Static<typeof Manifest>;

/** A manifest that cannot be used; the message names the file and every problem. */
export class ManifestError extends LuminaError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super("plugin_manifest_invalid", `${file}: ${problems.join("; ")}`);
  }
}

/** Reads and validates a manifest: YAML syntax, the schema, the API version, and the name matching its folder. */
export async function readManifest(
  file: string,
  folderName: string,
  streams: readonly string[],
): Promise<Manifest> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new ManifestError(file, [`not valid YAML: ${messageOf(err)}`]);
  }
  const problems = [...Value.Errors(Manifest, raw)].map((e) => `${e.path || "/"} ${e.message}`);
  if (problems.length > 0) throw new ManifestError(file, problems);
  const manifest = raw as Manifest;
  if (manifest.api_version !== API_VERSION)
    problems.push(`api_version ${manifest.api_version} is not supported (this Lumina offers ${API_VERSION})`);
  if (manifest.name !== folderName)
    problems.push(`name "${manifest.name}" differs from its folder "${folderName}"`);
  for (const s of [...(manifest.permissions?.subscribe ?? []), ...(manifest.permissions?.publish ?? [])])
    if (!streams.includes(s)) problems.push(`unknown stream "${s}" (streams: ${streams.join(", ")})`);
  if (problems.length > 0) throw new ManifestError(file, problems);
  return manifest;
}
