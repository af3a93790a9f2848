import { Type } from "@sinclair/typebox";

/** The crawler's own variables, on top of the base ones (libs/runtime). Its behaviour arrives with issue #3. */
export const CrawlerConfig = Type.Object({});
