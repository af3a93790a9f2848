import { Type } from "@sinclair/typebox";

/** The scratch-vm's own variables, on top of the base ones (libs/runtime). Its behaviour arrives with issue #5. */
export const ScratchVmConfig = Type.Object({});
