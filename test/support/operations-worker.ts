// A worker composed like src/worker/main.ts (Makini activities + bulk-result activities + Makini call
// interceptors, optional payload codec) for the operations tests. The caller installs the Runtime.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ConnectionsFile } from '../../src/config/connections.js';
import { createWriteCallsWorker, runAlongside } from '../../src/connections/write-calls-worker.js';
import { buildActivities } from '../../src/worker/makini-activities.js';
import { workerServices } from '../../src/worker/services.js';
import { temporalAddress, temporalNamespace, workflowBundle } from './temporal.js';

export interface OperationsWorkerOptions {
  taskQueue: string;
  makiniBaseUrl: string;
  connections: ConnectionsFile;
  env?: NodeJS.ProcessEnv;
  dataConverter?: DataConverter;
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createOperationsWorker(opts: OperationsWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const namespace = temporalNamespace();
  const services = workerServices({ connection, namespace, connections: opts.connections, dataConverter: opts.dataConverter });
  const activities = {
    ...buildActivities({ settings: { MAKINI_BASE_URL: opts.makiniBaseUrl, MAKINI_REQUEST_TIMEOUT_MS: 5_000 }, connections: opts.connections, env: opts.env }),
    ...services.activities,
  };
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    interceptors: services.interceptors,
    dataConverter: opts.dataConverter,
    ...(opts.maxConcurrentActivityTaskExecutions ? { maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions } : {}),
  });
  // Write calls run on the paced write-calls queue; its worker runs and stops with `worker`.
  runAlongside(worker, await createWriteCallsWorker({ connection, namespace, taskQueue: opts.taskQueue, activities, interceptors: services.interceptors, dataConverter: opts.dataConverter }));
  return { worker, connection };
}
