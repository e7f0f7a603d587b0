// Runs only the profile tests, without the Temporal global setup of the main config:
//   npx vitest run test/profiles --config test/profiles/vitest.local.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    pool: 'forks',
    include: ['test/profiles/**/*.test.ts'],
  },
});
