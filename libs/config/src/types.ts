import { Type } from "@sinclair/typebox";

/** A TCP port; 0 lets the OS choose (tests). */
export const Port = (defaultPort: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65_535, default: defaultPort, description });

/** A positive duration in seconds. */
export const Seconds = (defaultSeconds: number, description: string) =>
  Type.Number({ exclusiveMinimum: 0, default: defaultSeconds, description });
