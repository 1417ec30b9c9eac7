// ESLint: typescript-eslint's recommended-type-checked over every TypeScript file (npm test runs it).
// Deliberate departures, each for a reason:
// - node:test's test()/describe()/it() return promises the runner tracks itself: not floating.
// - Tests and benchmarks read untyped JSON on purpose (MCP replies, CLI output, HTTP bodies, rows of
//   another program's database), so the no-unsafe-* family is off there; it stays on in src/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Fakes implement the product's async interfaces with synchronous bodies.
      '@typescript-eslint/require-await': 'off',
      // `page.evaluate(…) as Promise<T>`: the browser side is untyped; the assertion names what comes back.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Benchmarks hand a string body to the page (new Function) and ignore best-effort cleanup failures.
      '@typescript-eslint/no-implied-eval': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
);
