// Lint: type-aware no-floating-promises everywhere; workflow code may not import Node built-ins or I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The workflow boundary is a folder boundary: every module the workflow bundle loads sits in
 * src/workflows/ (the bundle's entry) or in a folder named `workflow` of its area, and nothing else
 * does (test/unit/layout.test.ts checks both ways).
 */
export const WORKFLOW_CODE = ['src/workflows/**/*.ts', 'src/**/workflow/**/*.ts'];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.data', 'coverage', 'scripts/**/*.mjs', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries.
    // WORKFLOW_CODE: the folders of every module the workflow bundle loads (test/unit/layout.test.ts checks it).
    files: WORKFLOW_CODE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code is deterministic: no Node built-ins.' })),
          patterns: [
            {
              group: [
                '**/activities.js',
                '**/makini/client.js',
                '**/makini/http.js',
                '**/makini/errors.js',
                '**/makini/activity-result.js',
                '**/connections/gate.js',
                '**/connections/gate-view-cache.js',
                '**/connections/probe.js',
                '**/connections/write-calls-worker.js',
                '**/connections/control-client.js',
                '**/profiles/load-profiles.js',
                '**/sandbox/*',
                '**/config/*',
                '**/activities/index.js',
                '**/worker.js',
                '**/composition/*',
              ],
              allowTypeImports: true,
              message: 'Workflows import only types from activities and I/O modules.',
            },
            {
              group: ['undici', 'axios', 'node-fetch', 'yaml', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
              message: 'No I/O libraries in workflow code.',
            },
          ],
        },
      ],
    },
  },
);
