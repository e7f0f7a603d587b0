// Lint: type-aware no-floating-promises everywhere; workflow code may not import Node built-ins or I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

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
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code is deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['**/activities/*', '**/makini/*', '**/sandbox/*', '**/config/*'], allowTypeImports: true,
              message: 'Workflows import only types from activities and I/O modules.' },
            { group: ['undici', 'axios', 'node-fetch', 'yaml', '@temporalio/worker', '@temporalio/client'],
              message: 'No I/O libraries in workflow code.' },
          ],
        },
      ],
    },
  },
);
