// Starts ONE real Temporal dev server (the pinned CLI, built if missing) for the whole test run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../../scripts/lib/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
  }
}

let server: DevServer | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'makini-writes-test-'));
  server = await startDevServer({ headless: true, dbFilename: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log') });
  console.log(`[tests] real Temporal dev server at ${server.address} (log ${join(dir, 'temporal.log')})`);
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir && !process.env.KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
}
