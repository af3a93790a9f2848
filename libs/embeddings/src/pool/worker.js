// A thread of the embedding pool. The sources are TypeScript run as they are (no build step), as in
// cli/bin/lumina.js: tsx compiles them on load, in this thread too.
import { register } from "tsx/esm/api";

register();
await import("./embed-thread.ts");
