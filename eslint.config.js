// Lint rules: typescript-eslint's recommended set, type-checked where it catches real bugs
// (floating promises, misused promises), plus the project's own habits.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "data/**", "coverage/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["@lumina/*/src/*"], message: "import a package's entry point, not its src/" }],
        },
      ],
    },
  },
  {
    // Short functions: an orchestration reads as named steps. Schema and metric tables are exempt,
    // each with an eslint-disable comment saying so.
    files: ["libs/*/src/**/*.ts", "services/*/src/**/*.ts", "cli/src/**/*.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
);
