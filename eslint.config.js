import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/generated/', '.hwsweep/', 'coverage/', 'bin/', 'scripts/*.mjs', 'eslint.config.js', 'prisma/prisma6.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // tfjs and Temporal payloads are loosely typed at the edges; these rules would force casts everywhere.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Workflows are sandboxed and replayed: no Node built-ins, no I/O libraries, only types from elsewhere.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((m) => [m, `node:${m}`]),
          patterns: [
            {
              // src/errors.ts imports nothing: its retry table is shared by the failures and the retry policies.
              group: ['../activities/*', '../src/*', '!../src/errors.js', '@prisma/*', '@tensorflow/*', 'pg'],
              allowTypeImports: true,
              message: 'Workflows are sandboxed and replayed: import types only; do the work in an activity.',
            },
          ],
        },
      ],
    },
  },
  {
    // Activities are thin over the TrialStore port: no Prisma, no SQL, no database client.
    files: ['activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@prisma/*', 'pg', '**/generated/*', '**/store/*', '!**/store/trial-store.js'],
              message: 'Activities talk to storage through the TrialStore port (src/store/trial-store.ts) only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Libraries stay free of orchestration: src/ never imports workflows/ or activities/ (composition roots excepted).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/worker.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/workflows/*', '**/activities/*'], message: 'src/ must not depend on workflows/ or activities/.' }] },
      ],
    },
  },
  {
    // Pure libraries: no Temporal, Prisma or services code.
    files: ['src/compress/**/*.ts', 'src/accel/**/*.ts', 'src/spec/**/*.ts', 'src/search/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@temporalio/*', '@prisma/*', '**/store/*', '**/services/*', 'pg'], message: 'Pure library: no orchestration or storage.' },
          ],
        },
      ],
    },
  },
);
