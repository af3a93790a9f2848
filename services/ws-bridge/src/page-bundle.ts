import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ENTRY = fileURLToPath(new URL("../page/main.ts", import.meta.url));
let bundled: Promise<string> | undefined;

/**
 * The live graph page's script: page/*.ts with sigma.js, graphology and its ForceAtlas2 worker,
 * bundled by esbuild from node_modules (no CDN, no build step to remember). Built once per process,
 * on first use (about half a second), and kept; a failed build is tried again on the next request.
 */
export function pageScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: "iife",
    minify: true,
    target: ["chrome110", "firefox115", "safari16"],
    legalComments: "none",
    logLevel: "silent",
  }).then(
    (r) => r.outputFiles[0]?.text ?? "",
    (err: unknown) => {
      bundled = undefined;
      throw err;
    },
  );
  return bundled;
}
