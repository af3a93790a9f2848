import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Three projects, run one after another:
// - `unit` — each library's and service's own tests, in process: files run side by side, on all cores
//   but one as Vitest's default does, yet at least two (on a 2-core machine that default means one);
// - `cli` — the command line's tests, which start whole Lumina runners as child processes;
// - `system` — the whole system under test/: real runners, soaks with time budgets, a browser.
// The last two run one file at a time: each file already keeps every core busy, and two at once would
// measure their contention rather than Lumina. `npm run test:unit` runs the first two, `npm run
// test:system` the last, `npm test` all three.
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["libs/*/test/**/*.test.ts", "services/*/test/**/*.test.ts", "modules/*/*.test.ts"],
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "cli", include: ["cli/test/**/*.test.ts"], maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: "system", include: ["test/**/*.test.ts"], maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
