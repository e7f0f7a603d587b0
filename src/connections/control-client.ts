// What ops tools and the webhook receiver do with a connection: read its state, say it has been
// reauthorized, hand it a verified webhook event, list the writes waiting for it.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ConnectionEvent, ConnectionPolicyInput, TokenNotice } from './workflow/control-state.js';
import { SA_CONNECTION_ID, SA_WAITING_FOR } from '../observability/workflow/search-attributes.js';
import {
  CONNECTION_CONTROL_WORKFLOW,
  connectionControlWorkflowId,
  connectionEventSignal,
  connectionPolicySignal,
  connectionStateQuery,
  connectionTokenSignal,
  reauthorizedSignal,
  type ConnectionControlInput,
  type ConnectionStatus,
} from './workflow/messages.js';

export type { ConnectionStatus } from './workflow/messages.js';
export type { ConnectionHealth, ConnectionPolicyInput } from './workflow/control-state.js';

export interface ConnectionOptions {
  /** The workers' task queue (connection state is kept per task queue); default `makini-writes`. */
  taskQueue?: string;
}

// The default of TEMPORAL_TASK_QUEUE (DEFAULT_TASK_QUEUE in ./index.ts, which re-exports this module).
const queueOf = (opts?: ConnectionOptions) => opts?.taskQueue ?? 'makini-writes';

/** The connection's state, or undefined when nothing has happened on it yet (no control workflow). */
export async function getConnectionStatus(
  client: Client,
  connectionId: string,
  opts?: ConnectionOptions,
): Promise<ConnectionStatus | undefined> {
  try {
    return await client.workflow.getHandle(connectionControlWorkflowId(queueOf(opts), connectionId)).query(connectionStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

const start = (connectionId: string, opts?: ConnectionOptions) => ({
  workflowId: connectionControlWorkflowId(queueOf(opts), connectionId),
  taskQueue: queueOf(opts),
  args: [{ connectionId }] as [ConnectionControlInput],
});

/**
 * Tells the connection it has been reauthorized: every write waiting for it goes on, reading
 * the (new) token from the token source. The token itself never goes through Temporal.
 * @example await reauthorizeConnection(client, 'acme-sap', { by: 'ops: jane' });
 */
export async function reauthorizeConnection(
  client: Client,
  connectionId: string,
  opts: ConnectionOptions & { by: string; note?: string },
): Promise<void> {
  await client.workflow.signalWithStart(CONNECTION_CONTROL_WORKFLOW, {
    ...start(connectionId, opts),
    signal: reauthorizedSignal,
    signalArgs: [{ by: opts.by, ...(opts.note ? { note: opts.note } : {}) }],
  });
}

/**
 * Tells an `oauth` connection to look at its token store: it schedules the next refresh from the
 * stored expiry; with `refreshedBy`, new tokens are there and writes waiting for reauthorization go on.
 */
export async function noticeConnectionToken(
  client: Client,
  connectionId: string,
  notice: TokenNotice,
  opts?: ConnectionOptions & { policy?: ConnectionPolicyInput },
): Promise<void> {
  const base = start(connectionId, opts);
  await client.workflow.signalWithStart(CONNECTION_CONTROL_WORKFLOW, {
    ...base,
    args: [{ connectionId, ...(opts?.policy ? { policy: opts.policy } : {}) }],
    signal: connectionTokenSignal,
    signalArgs: [notice],
  });
}

/** At worker start: each `oauth` connection's control workflow runs and schedules its refreshes (failures are warned, not fatal). */
export async function announceOAuthConnections(
  client: Client,
  taskQueue: string,
  connectionIds: readonly string[],
  policy: ConnectionPolicyInput | undefined,
  warn: (message: string) => void,
): Promise<void> {
  await Promise.all(
    connectionIds.map((id) =>
      noticeConnectionToken(client, id, {}, { taskQueue, policy }).catch((err: unknown) =>
        warn(`connection ${id}: could not start its token refresh schedule (${(err as Error).name}); a write's 401 still refreshes`),
      ),
    ),
  );
}

/** Hands a verified webhook event to the connection's control workflow (starting it if needed). */
export async function deliverConnectionEvent(client: Client, event: ConnectionEvent, opts?: ConnectionOptions): Promise<void> {
  await client.workflow.signalWithStart(CONNECTION_CONTROL_WORKFLOW, {
    ...start(event.connectionId, opts),
    signal: connectionEventSignal,
    signalArgs: [event],
  });
}

/** Replaces the connection's policy (breaker threshold and times, rate adaptation). */
export async function setConnectionPolicy(
  client: Client,
  connectionId: string,
  policy: ConnectionPolicyInput,
  opts?: ConnectionOptions,
): Promise<void> {
  await client.workflow.signalWithStart(CONNECTION_CONTROL_WORKFLOW, {
    ...start(connectionId, opts),
    signal: connectionPolicySignal,
    signalArgs: [policy],
  });
}

/** Visibility query of the running writes waiting for a connection (reauthorization or breaker). */
export const blockedWritesQuery = (connectionId: string) =>
  `${SA_CONNECTION_ID.name} = '${connectionId.replace(/'/g, "''")}' AND ${SA_WAITING_FOR.name} IN ('reauthorization', 'connection-down') AND ExecutionStatus = 'Running'`;

/** Workflow ids of the writes waiting for a connection, from visibility (may lag a second). */
export async function listBlockedWrites(
  client: Client,
  connectionId: string,
  limit = 1000,
): Promise<{ workflowId: string; waitingFor: string }[]> {
  const out: { workflowId: string; waitingFor: string }[] = [];
  for await (const wf of client.workflow.list({ query: blockedWritesQuery(connectionId) })) {
    out.push({ workflowId: wf.workflowId, waitingFor: String(wf.typedSearchAttributes.get(SA_WAITING_FOR) ?? '') });
    if (out.length >= limit) break;
  }
  return out;
}
