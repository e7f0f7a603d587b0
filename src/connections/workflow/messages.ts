// Every message of the connections area: the `connectionControl` workflow's signals and queries,
// and the signal it sends each waiting write. Importable by workers, clients and the
// webhook receiver without pulling in workflow code.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  ConnectionEvent,
  ConnectionHealth,
  ConnectionPolicyInput,
  ConnectionReport,
  ConnectionState,
  GateView,
  Reauthorization,
  TokenNotice,
} from './control-state.js';

/** Workflow type name of the per-connection control workflow (public API). */
export const CONNECTION_CONTROL_WORKFLOW = 'connectionControl';

/** Id of the `connectionControl` workflow of a connection, per workflow task queue (the scope of its write pacing). */
export const connectionControlWorkflowId = (taskQueue: string, connectionId: string) => `connection/${taskQueue}/${connectionId}`;

/** Input of `connectionControl`: the connection, its policy, and (after continue-as-new) its state. */
export interface ConnectionControlInput {
  connectionId: string;
  policy?: ConnectionPolicyInput;
  state?: ConnectionState;
}

/** What `connection-status` shows. */
export interface ConnectionStatus {
  health: ConnectionHealth;
  /** Workflow time the answer describes (epoch ms). */
  asOf: number;
  state: Omit<ConnectionState, 'seenEventIds'>;
}

/** A worker's report after a Makini call (429, 5xx, 401, success after failures, a waiting write). */
export const connectionReportSignal = defineSignal<[ConnectionReport]>('connectionReport');
/** A verified webhook event about the connection (from the receiver). */
export const connectionEventSignal = defineSignal<[ConnectionEvent]>('connectionEvent');
/** The connection has been reauthorized (CLI `reauthorize`, any client, ops tooling). */
export const reauthorizedSignal = defineSignal<[Reauthorization]>('reauthorized');
/** An `oauth` connection's token store changed or should be read (worker start, `oauth-connect`, a write's refresh after a 401). */
export const connectionTokenSignal = defineSignal<[TokenNotice]>('connectionToken');
/** Replaces the connection's policy (breaker threshold and times, rate adaptation). */
export const connectionPolicySignal = defineSignal<[ConnectionPolicyInput]>('connectionPolicy');

/** Sent by `connectionControl` to each waiting write when its connection is clear again. */
export const connectionResumedSignal = defineSignal<[{ connectionId: string }]>('connectionResumed');
/**
 * A connection's write rate changed: a 429 cut it to `capPerSecond` and paused its writes until
 * `pausedUntil` (epoch ms). Sent by the gate that got the 429 to the running writes of the
 * connection, so that calls queued at the old weight move (connections/workflow/pacing.ts).
 */
export interface ConnectionRateChange {
  connectionId: string;
  capPerSecond?: number;
  pausedUntil?: number;
}
export const connectionRateChangedSignal = defineSignal<[ConnectionRateChange]>('connectionRateChanged');

/** Everything about the connection, for ops. */
export const connectionStateQuery = defineQuery<ConnectionStatus>('connectionState');
/** The few facts the gate needs before each Makini call. */
export const connectionGateQuery = defineQuery<GateView>('connectionGate');
