// What a production worker adds around the Makini activities: the activities that wait on other
// writes (bulk items whose write already exists) and the Makini call metrics and logs. Shared by
// src/worker/main.ts and the tests, so both run the same thing.
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, WorkerInterceptors } from '@temporalio/worker';
import { createWriteResultActivities } from '../writes/bulk/activities.js';
import type { ConnectionsFile } from '../config/connections.js';
import { connectionGateInterceptors } from '../connections/gate.js';
import type { ConnectionPolicyInput } from '../connections/control-state.js';
import { makiniCallInterceptors } from '../observability/makini-calls.js';

export interface WorkerServicesOptions {
  connection: NativeConnection;
  namespace: string;
  connections: ConnectionsFile;
  /** The production data converter (the results it reads may be encrypted). */
  dataConverter?: DataConverter;
  /** Policy of the connection control workflows this worker starts (breaker, rate adaptation). */
  connectionPolicy?: ConnectionPolicyInput;
}

/** Extra activities and the interceptors of a worker. */
export function workerServices(opts: WorkerServicesOptions): { activities: ReturnType<typeof createWriteResultActivities>; interceptors: WorkerInterceptors } {
  const client = new Client({ connection: opts.connection, namespace: opts.namespace, dataConverter: opts.dataConverter });
  return {
    activities: createWriteResultActivities({ client }),
    interceptors: { activity: [
      makiniCallInterceptors(opts.connections),
      connectionGateInterceptors({ client, connectionIds: opts.connections.connections.map((c) => c.id), policy: opts.connectionPolicy }),
    ] },
  };
}

/** Env var names holding the connections' tokens (their values are redacted from logs). */
export function tokenEnvNames(connections: ConnectionsFile): string[] {
  return connections.connections.flatMap((c) => ('env' in c.token ? [c.token.env] : []));
}
