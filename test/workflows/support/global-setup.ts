// Global setup of the workflow layer: the time-skipping test server installed (first use: Maven,
// scripts/lib/temporal-test-server.ts) and the production workflows bundled ONCE for every file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureTestServer } from '../../../scripts/lib/temporal-test-server.js';
import { bundleProductionWorkflows } from '../../support/production-worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testServerPath: string;
    workflowBundlePath: string;
  }
}

let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  project.provide('testServerPath', await ensureTestServer());
  dir = mkdtempSync(join(tmpdir(), 'makini-writes-wf-'));
  // The production bundle options (preloaded shared modules included), as the worker bundles them.
  const { code } = await bundleProductionWorkflows();
  const path = join(dir, 'workflows.js');
  writeFileSync(path, code);
  project.provide('workflowBundlePath', path);
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
