// The production worker (src/composition/compose.ts, as the worker process runs it), in-process and
// quiet: what the benchmarks measure.
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { ConnectionsFile } from '../../src/config/connections.js';
import { createProductionWorker as composeProductionWorker, WORKFLOW_BUNDLE } from '../../src/composition/compose.js';

let runtimeInstalled = false;
/** Where the installed runtime serves its metrics, if it does. */
let metricsAt: string | undefined;
/**
 * Runtime.install once per process (returns where its metrics are served, if they are); ERROR so per-step logs (INFO, and WARN for every wait) do not
 * flood the benchmark. `metricsBindAddress`: the SDK's worker metrics on a Prometheus endpoint
 * there (what the throughput benchmark reads to say where the time goes).
 */
export function installQuietRuntime(metricsBindAddress?: string): string | undefined {
  if (runtimeInstalled) return metricsAt;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    ...(metricsBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsBindAddress } } } } : {}),
  });
  runtimeInstalled = true;
  metricsAt = metricsBindAddress;
  return metricsAt;
}

/** Bundles the production workflows (the same entry point src/worker.ts uses). */
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

/** A production worker on its own connection (composed as src/worker.ts does); the caller runs it and shuts it down. */
export async function createProductionWorker(opts: ProductionWorkerOptions): Promise<ProductionWorker> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: opts.address });
  const { worker, writeCalls } = await composeProductionWorker({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    settings: { MAKINI_BASE_URL: opts.makiniBaseUrl, MAKINI_REQUEST_TIMEOUT_MS: opts.requestTimeoutMs ?? 20_000 },
    connections: opts.connections,
    env: opts.env,
    workflows: { workflowBundle: opts.workflowBundle },
  });
  return { worker, writeCalls, connection };
}
