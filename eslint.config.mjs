// Lint rules that catch bugs, not style (the formatter owns layout): TypeScript's recommended set, with the
// project's own conventions where they differ.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", "**/*.js", "**/*.mjs", "anomaly/rcf/wasm/treeModule.ts"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // unused names are bugs; a leading underscore marks one kept on purpose
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // require() is how the commands load lazily and how modules reach the serialized Lambdas
      "@typescript-eslint/no-require-imports": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "prefer-const": "error",
      "no-var": "error",
    },
  },
);
