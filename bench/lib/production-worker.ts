// The production worker, composed as src/worker/main.ts composes it (Makini activities, write-result
// activities, call metrics, the connection gate, and the paced write-calls worker beside the main
// one), but in-process and quiet: what the benchmarks measure.
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { ConnectionsFile } from '../../src/config/connections.js';
import { createWriteCallsWorker, runAlongside } from '../../src/connections/write-calls-worker.js';
import { WORKFLOW_BUNDLE } from '../../src/worker/main.js';
import { buildActivities } from '../../src/worker/makini-activities.js';
import { workerServices } from '../../src/worker/services.js';

let runtimeInstalled = false;
/** Runtime.install once per process; ERROR so per-step logs (INFO, and WARN for every wait) do not flood the benchmark. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  runtimeInstalled = true;
}

/** Bundles the production workflows (the same entry point src/worker/main.ts uses). */
export function bundleProductionWorkflows() {
  return bundleWorkflowCode({ ...WORKFLOW_BUNDLE, logger: new DefaultLogger('WARN') });
}

export interface ProductionWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  makiniBaseUrl: string;
  connections: ConnectionsFile;
  /** Token env of the connections (MAKINI_TOKEN_...). */
  env: NodeJS.ProcessEnv;
  workflowBundle: WorkflowBundleOption;
  requestTimeoutMs?: number;
}

export interface ProductionWorker {
  /** The main worker; its `run()` also runs `writeCalls` (runAlongside), its `shutdown()` stops both. */
  worker: Worker;
  /** The worker of the paced write-calls queue. */
  writeCalls: Worker;
  connection: NativeConnection;
}

/** A production worker on its own connection; the caller runs it and shuts it down. */
export async function createProductionWorker(opts: ProductionWorkerOptions): Promise<ProductionWorker> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: opts.address });
  const services = workerServices({ connection, namespace: opts.namespace, connections: opts.connections });
  const activities = {
    ...buildActivities({
      settings: { MAKINI_BASE_URL: opts.makiniBaseUrl, MAKINI_REQUEST_TIMEOUT_MS: opts.requestTimeoutMs ?? 20_000 },
      connections: opts.connections,
      env: opts.env,
    }),
    ...services.activities,
  };
  const { interceptors } = services;
  const worker = await Worker.create({
    connection, namespace: opts.namespace, taskQueue: opts.taskQueue, workflowBundle: opts.workflowBundle, activities, interceptors,
  });
  const writeCalls = await createWriteCallsWorker({ connection, namespace: opts.namespace, taskQueue: opts.taskQueue, activities, interceptors });
  runAlongside(worker, writeCalls);
  return { worker, writeCalls, connection };
}
