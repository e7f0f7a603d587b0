// Test helpers around the real dev server started by global-setup: client, worker, sandbox.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ConnectionsFile } from '../../src/config/connections.js';
import type { ConnectionPolicyInput } from '../../src/connections/workflow/control-state.js';
import type { DataConverter } from '@temporalio/common';
import type { ProductionWorkerOptions } from '../../src/composition/compose.js';
import { exportHistory } from '../../src/operations/replay.js';
import {
  bundleProductionWorkflows,
  installQuietRuntime,
  startProductionWorker,
  type HarnessWorker,
  type HarnessWorkerOptions,
} from './production-worker.js';

export { installQuietRuntime, runtimeInstalledElsewhere } from './production-worker.js';

export const temporalAddress = () => inject('temporalAddress');
export const temporalNamespace = () => inject('temporalNamespace');

/** Saves the history of a handle's run at `path` as a replay fixture (test/histories/), exported by src/operations/replay.ts. */
export async function saveHistory(handle: Pick<WorkflowHandle, 'fetchHistory'>, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await exportHistory(handle));
}

/** A unique task queue per test, so tests never steal each other's tasks. */
export const uniqueTaskQueue = (prefix = 'test') => `${prefix}-${randomUUID()}`;

/** A client of the shared server (or of `address`, a test's own), with the production codec if given. */
export async function connectClient(
  opts: { address?: string; dataConverter?: DataConverter } = {},
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: opts.address ?? temporalAddress() });
  return { client: new Client({ connection, namespace: temporalNamespace(), dataConverter: opts.dataConverter }), connection };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The production workflows, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleProductionWorkflows();
  return bundle;
}

export interface TestWorkerOptions {
  taskQueue: string;
  makiniBaseUrl: string;
  connections: ConnectionsFile;
  env?: NodeJS.ProcessEnv;
  requestTimeoutMs?: number;
  /** Another server than the shared one (tests that restart their own). */
  address?: string;
  /** Policy of the connection control workflows this worker starts (short breaker times in tests). */
  connectionPolicy?: ConnectionPolicyInput;
  dataConverter?: DataConverter;
  tuning?: ProductionWorkerOptions['tuning'];
  oauth?: HarnessWorkerOptions['oauth'];
  /** Token providers by name (connections whose token is `{ provider }`). */
  tokenProviders?: HarnessWorkerOptions['tokenProviders'];
  /** Other workflows than the production bundle (test workflows beside the production activities). */
  workflowBundle?: HarnessWorkerOptions['workflowBundle'];
}

/** A real worker running the production workflows and activities against the sandbox (composed as src/worker.ts does). */
export async function createProductionWorker(opts: TestWorkerOptions): Promise<HarnessWorker> {
  installQuietRuntime();
  return startProductionWorker({
    ...opts,
    address: opts.address ?? temporalAddress(),
    namespace: temporalNamespace(),
    requestTimeoutMs: opts.requestTimeoutMs ?? 5_000,
    workflowBundle: opts.workflowBundle ?? (await workflowBundle()),
  });
}
