import { configDefaults, defineConfig } from 'vitest/config';

/** The workflow layer: production workflows on the time-skipping test server, Makini activities replaced. */
const WORKFLOW_LAYER = 'test/workflows/**/*.test.ts';

export default defineConfig({
  test: {
    // The Temporal SDK's native bridge crashes under worker threads.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Everything else (unit, sandbox, integration, replay, ...); its global setup starts one real
        // Temporal dev server.
        test: {
          name: 'dev-server',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, WORKFLOW_LAYER],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        // `npm run test:workflows`: no dev server; the test server is installed on first use.
        test: {
          name: 'workflows',
          include: [WORKFLOW_LAYER],
          globalSetup: ['test/workflows/support/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
