import { Type } from "@sinclair/typebox";

/** The compressor's own variables, on top of the base ones (libs/runtime). Its behaviour arrives with issue #5. */
export const CompressorConfig = Type.Object({});
