import { Type } from "@sinclair/typebox";

/** The planner's own variables, on top of the base ones (libs/runtime); its tuning arrives with issue #5. */
export const PlannerConfig = Type.Object({});
