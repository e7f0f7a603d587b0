// Test helpers around the real dev server started by global-setup: client, worker, sandbox.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ConnectionsFile } from '../../src/config/connections.js';
import { createWriteCallsWorker, runAlongside } from '../../src/connections/write-calls-worker.js';
import type { ConnectionPolicyInput } from '../../src/connections/control-state.js';
import { WORKFLOW_BUNDLE } from '../../src/worker/main.js';
import { buildActivities } from '../../src/worker/makini-activities.js';
import { workerServices } from '../../src/worker/services.js';

let runtimeInstalled = false;
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

export async function connectClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: temporalAddress() });
  return { client: new Client({ connection, namespace: temporalNamespace() }), connection };
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
}

/** A real worker running the production workflows and activities against the sandbox. */
export async function createProductionWorker(opts: TestWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: opts.address ?? temporalAddress() });
  // Composed as src/worker/main.ts composes it: bulk-result activities, call metrics, the connection gate.
  const services = workerServices({ connection, namespace: temporalNamespace(), connections: opts.connections, connectionPolicy: opts.connectionPolicy });
  const activities = {
    ...buildActivities({
      settings: { MAKINI_BASE_URL: opts.makiniBaseUrl, MAKINI_REQUEST_TIMEOUT_MS: opts.requestTimeoutMs ?? 5_000 },
      connections: opts.connections,
      env: opts.env,
    }),
    ...services.activities,
  };
  const { interceptors } = services;
  const worker = await Worker.create({
    connection,
    namespace: temporalNamespace(),
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    interceptors,
  });
  // Write calls run on the paced write-calls queue; its worker runs and stops with `worker`.
  runAlongside(worker, await createWriteCallsWorker({ connection, namespace: temporalNamespace(), taskQueue: opts.taskQueue, activities, interceptors }));
  return { worker, connection };
}
