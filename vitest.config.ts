import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "libs/*/test/**/*.test.ts",
      "services/*/test/**/*.test.ts",
      "cli/test/**/*.test.ts",
      "test/**/*.test.ts",
      "modules/*/*.test.ts",
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
