import type { StaticDecode, StaticEncode, TObject } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";

/**
 * A Redis stream and the one schema its entries follow.
 *
 * `schema` describes the wire form (flat string fields) and, through TypeBox transforms, the typed
 * event handlers receive. `versions` lists the schema versions consumers of this build accept; an
 * entry's optional `v` field names its version (absent means 1, so hand-typed entries stay valid).
 */
export interface StreamContract<S extends TObject = TObject> {
  readonly name: string;
  readonly schema: S;
  readonly version: number;
  readonly versions: readonly number[];
  readonly description: string;
  /** The schema compiled once (TypeBox's JIT checker): validation is on every publish and consume. */
  readonly checker: TypeCheck<S>;
}

export type EventOf<C extends StreamContract> = StaticDecode<C["schema"]>;
export type WireOf<C extends StreamContract> = StaticEncode<C["schema"]>;
export type Fields = Record<string, string>;

export function defineStream<S extends TObject>(def: {
  name: string;
  schema: S;
  description: string;
  version?: number;
}): StreamContract<S> {
  const version = def.version ?? 1;
  return Object.freeze({
    checker: TypeCompiler.Compile(def.schema),
    name: def.name,
    schema: def.schema,
    description: def.description,
    version,
    versions: Object.freeze(Array.from({ length: version }, (_, i) => i + 1)),
  });
}

export type DecodeResult<C extends StreamContract> =
  { ok: true; event: EventOf<C>; version: number } | { ok: false; reason: string };

/** Validates and decodes a raw entry; never throws. `reason` is readable by a person. */
export function decodeEvent<C extends StreamContract>(contract: C, fields: Fields): DecodeResult<C> {
  const { v, ...rest } = fields;
  const version = v === undefined ? 1 : Number(v);
  if (!Number.isInteger(version) || !contract.versions.includes(version)) {
    return {
      ok: false,
      reason: `unsupported schema version v=${v} for ${contract.name} (this build accepts ${contract.versions.join(", ")})`,
    };
  }
  if (!contract.checker.Check(rest)) {
    const problems = [...contract.checker.Errors(rest)].slice(0, 5).map(formatError);
    return { ok: false, reason: `invalid ${contract.name} entry: ${problems.join("; ")}` };
  }
  try {
    return { ok: true, event: contract.checker.Decode(rest) as EventOf<C>, version };
  } catch (err) {
    return { ok: false, reason: `invalid ${contract.name} entry: ${describeDecodeError(err)}` };
  }
}

/** Encodes a typed event into flat string fields; throws a readable error when it is invalid. */
export function encodeEvent<C extends StreamContract>(contract: C, event: EventOf<C>): Fields {
  let wire: Record<string, unknown>;
  try {
    wire = contract.checker.Encode(event) as Record<string, unknown>;
  } catch (err) {
    throw new TypeError(`refusing to publish an invalid ${contract.name} event: ${describeDecodeError(err)}`);
  }
  const fields: Fields = {};
  for (const [key, value] of Object.entries(wire)) {
    if (value !== undefined) fields[key] = value as string;
  }
  if (contract.version > 1) fields.v = String(contract.version);
  return fields;
}

function formatError(e: {
  path: string;
  message: string;
  value: unknown;
  schema: { description?: string; pattern?: string };
}): string {
  const field = e.path.replace(/^\//, "") || "(entry)";
  // A regex means little to whoever typed the entry; the field's description says what was expected.
  const message = e.schema.pattern && e.schema.description ? `expected ${e.schema.description}` : e.message;
  const shown = typeof e.value === "string" ? ` (got ${JSON.stringify(e.value.slice(0, 40))})` : "";
  return `${field}: ${message}${e.value === undefined ? " (missing)" : shown}`;
}

function describeDecodeError(err: unknown): string {
  // TypeBox wraps transform failures; the inner error carries the useful message and the path.
  const e = err as { path?: string; error?: { message?: string }; message?: string };
  const field = e.path ? `${e.path.replace(/^\//, "")}: ` : "";
  return `${field}${e.error?.message ?? e.message ?? String(err)}`;
}
