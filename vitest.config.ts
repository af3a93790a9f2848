import { defineConfig } from "vitest/config";

// Two projects: `unit` — each package's own tests (npm run test:unit), `system` — the whole system
// under test/ (npm run test:system). `npm test` runs both.
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
          include: [
            "libs/*/test/**/*.test.ts",
            "services/*/test/**/*.test.ts",
            "cli/test/**/*.test.ts",
            "modules/*/*.test.ts",
          ],
        },
      },
      { extends: true, test: { name: "system", include: ["test/**/*.test.ts"] } },
    ],
  },
});
