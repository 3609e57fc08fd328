// ESLint for the console's ES modules (browser) and their unit tests (Node). Type errors are
// tsc's (jsconfig.json); these rules catch what types cannot: unused code, shadowed names,
// == where === is meant, a forgotten await's dangling promise in a loop.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["services/gateway/static/js/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: globals.browser },
  },
  {
    files: ["tests/console_js/**/*.js"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: globals.node },
  },
  {
    rules: {
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
      "no-shadow": "error",
      "no-implicit-coercion": ["error", { allow: ["!!"] }],
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      "no-await-in-loop": "error",
      "no-console": ["error", { allow: ["warn", "error"] }],
      curly: ["error", "multi-line"],
    },
  },
];
