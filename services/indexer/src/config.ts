import { Type } from "@sinclair/typebox";

/** The indexer's own variables, on top of the base ones (libs/runtime). Its behaviour arrives with issue #3. */
export const IndexerConfig = Type.Object({});
