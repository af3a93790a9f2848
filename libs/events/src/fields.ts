import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

/*
 * Stream entries are flat string maps (so that `redis-cli XADD s '*' k v` works). These helpers
 * declare a field's wire form (a string) together with the typed value handlers see.
 */

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^-?\d+$/;

/** A number written as a decimal string on the wire, e.g. `prio 1` or `score 0.42`. */
export const NumberField = (opts: { minimum?: number; maximum?: number } = {}) =>
  Type.Transform(Type.String({ pattern: NUMBER.source, description: "a decimal number" }))
    .Decode((s) => {
      const n = Number(s);
      if (opts.minimum !== undefined && n < opts.minimum) throw new Error(`must be >= ${opts.minimum}`);
      if (opts.maximum !== undefined && n > opts.maximum) throw new Error(`must be <= ${opts.maximum}`);
      return n;
    })
    .Encode((n) => String(n));

/** A safe integer written as a decimal string on the wire, e.g. `revision 1234567`. */
export const IntegerField = (opts: { minimum?: number } = {}) =>
  Type.Transform(Type.String({ pattern: INTEGER.source, maxLength: 16, description: "an integer" }))
    .Decode((s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n)) throw new Error("is not a safe integer");
      if (opts.minimum !== undefined && n < opts.minimum) throw new Error(`must be >= ${opts.minimum}`);
      return n;
    })
    .Encode((n) => String(n));

/** An ISO-8601 timestamp string; handlers see it unchanged but it must parse. */
export const TimestampField = () =>
  Type.Transform(Type.String({ minLength: 10, maxLength: 40, description: "an ISO-8601 timestamp" }))
    .Decode((s) => {
      if (Number.isNaN(Date.parse(s))) throw new Error("is not an ISO-8601 timestamp");
      return s;
    })
    .Encode((s) => s);

/** A nested value carried as a JSON string, validated against `schema` when decoded. */
export const JsonField = <T extends TSchema>(schema: T) =>
  Type.Transform(Type.String({ description: "a JSON document" }))
    .Decode((s) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch {
        throw new Error("is not valid JSON");
      }
      const first = Value.Errors(schema, parsed).First();
      if (first) throw new Error(`JSON ${first.path || "/"} ${first.message}`);
      return parsed as Static<T>;
    })
    .Encode((v) => JSON.stringify(v));

/** A bounded non-empty string. */
export const Text = (maxLength: number, description?: string) =>
  Type.String(description ? { minLength: 1, maxLength, description } : { minLength: 1, maxLength });
