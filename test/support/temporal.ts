// Test helpers around the real dev server started by global-setup: client, worker, sandbox.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ConnectionsFile } from '../../src/config/connections.js';
import type { ConnectionPolicyInput } from '../../src/connections/control-state.js';
import type { DataConverter } from '@temporalio/common';
import {
  createProductionWorker as composeProductionWorker,
  WORKFLOW_BUNDLE,
  type ProductionWorkerOptions,
} from '../../src/composition/compose.js';

let runtimeInstalled = false;
/** A test that installs its own Runtime (logs, metrics) says so before creating workers. */
export function runtimeInstalledByTest(): void {
  runtimeInstalled = true;
}
/** Runtime.install once per process, quiet. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
}

export const temporalAddress = () => inject('temporalAddress');
export const temporalNamespace = () => inject('temporalNamespace');

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
  bundle ??= bundleWorkflowCode({ ...WORKFLOW_BUNDLE, logger: new DefaultLogger('WARN') });
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
}

/** A real worker running the production workflows and activities against the sandbox (composed as src/worker.ts does). */
export async function createProductionWorker(opts: TestWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: opts.address ?? temporalAddress() });
  const { worker } = await composeProductionWorker({
    connection,
    namespace: temporalNamespace(),
    taskQueue: opts.taskQueue,
    settings: { MAKINI_BASE_URL: opts.makiniBaseUrl, MAKINI_REQUEST_TIMEOUT_MS: opts.requestTimeoutMs ?? 5_000 },
    connections: opts.connections,
    env: opts.env,
    connectionPolicy: opts.connectionPolicy,
    workflows: { workflowBundle: await workflowBundle() },
    dataConverter: opts.dataConverter,
    tuning: opts.tuning,
  });
  return { worker, connection };
}
