// Per-connection write pacing on Temporal task queue fairness, and the gate every Makini call
// passes: may this call go now, given what the connection's control workflow knows?
//
// Write calls go to a dedicated activity task queue whose fairness keys are connection ids. The
// queue's per-key rate limit default is FAIRNESS_KEY_RPS_DEFAULT and the server scales it by each
// task's fairness weight, so a weight of N means N writes per second for that connection, held
// by the server across every workflow and every worker process.
import type { GateView } from './control-state.js';
import type { ConnectionBlock, ConnectionBlockKind } from '../../failures/workflow/failure-types.js';

/** Suffix of the write-calls activity task queue beside a worker's task queue. */
export const WRITE_CALLS_QUEUE_SUFFIX = '-write-calls';

/** The activity task queue of paced write calls for workflows on `taskQueue`. */
export const writeCallsQueueOf = (taskQueue: string) => `${taskQueue}${WRITE_CALLS_QUEUE_SUFFIX}`;

/** The workflow task queue an activity queue belongs to (itself unless it is a write-calls queue). */
export const workflowQueueOf = (activityQueue: string) =>
  activityQueue.endsWith(WRITE_CALLS_QUEUE_SUFFIX) ? activityQueue.slice(0, -WRITE_CALLS_QUEUE_SUFFIX.length) : activityQueue;

/** Per-key rate (tasks/s) configured on the write-calls queue; a task's weight scales it. */
export const FAIRNESS_KEY_RPS_DEFAULT = 1;

/**
 * What the server's per-key limiter lets a key send beyond its rate: after a pause, one second's
 * worth of tasks at once (matching's burst duration, 1 s in Temporal Server 1.29: GCRA in
 * service/matching/matcher_data.go), so a 60 s window can hold 61 s of the key's rate.
 */
export const FAIRNESS_BURST_S = 1;
/** Slack for the time between the server's dispatch and Makini's clock (network, worker). */
const PACING_SLACK_S = 0.5;
/**
 * Seconds over which a connection's per-minute budget is spread. Makini counts writes over a
 * sliding minute: paced at N per 60 s, a burst after a pause would make N + 1 in some minute (a
 * 429); at N per 61.5 s none does, and 200 writes at 60/min take ~203 s, not 200 / 0.95 = 211 s as
 * with a flat 5 % headroom (`npm run bench`, rate-limited goodput).
 */
export const PACING_WINDOW_S = 60 + FAIRNESS_BURST_S + PACING_SLACK_S;

/** Temporal limits fairness keys to 64 bytes; longer connection ids keep a prefix and a hash. */
export function fairnessKeyOf(connectionId: string): string {
  if (connectionId.length <= 64) return connectionId; // ids are ASCII (connections config)
  let h = 0x811c9dc5; // FNV-1a, 32 bit
  for (let i = 0; i < connectionId.length; i++) h = Math.imul(h ^ connectionId.charCodeAt(i), 0x01000193) >>> 0;
  return `${connectionId.slice(0, 55)}~${h.toString(16).padStart(8, '0')}`;
}

/** Temporal clamps fairness weights to this range. */
const WEIGHT_MIN = 0.001;
const WEIGHT_MAX = 1000;

/** Writes per second a call is paced at: the configured rate (with headroom) or the adaptive cap. */
export function pacedWritesPerSecond(writesPerMinute: number, capPerSecond?: number): number {
  const configured = writesPerMinute / PACING_WINDOW_S;
  return capPerSecond === undefined ? configured : Math.min(configured, capPerSecond);
}

/** The fairness weight that paces a key at `writesPerSecond`. */
export function fairnessWeightFor(writesPerSecond: number): number {
  return Math.min(WEIGHT_MAX, Math.max(WEIGHT_MIN, writesPerSecond / FAIRNESS_KEY_RPS_DEFAULT));
}

/** The rate a task's fairness weight paces it at. */
export const writesPerSecondOfWeight = (weight: number) => weight * FAIRNESS_KEY_RPS_DEFAULT;

export type GateDecision = { proceed: true } | ({ proceed: false; message: string } & ConnectionBlock);

/** Blocks that last until the connection's control says it is clear (the write registers and waits). */
export const isLastingBlock = (b: ConnectionBlockKind) => b === 'reauthorization' || b === 'connection-down';

/**
 * Decides whether a call may go now. `pacedAt`: the rate a write call was scheduled at (its
 * fairness weight), undefined for reads (only reauthorization and the breaker hold them back).
 */
export function gateDecision(view: GateView | undefined, pacedAt: number | undefined, now: number): GateDecision {
  if (!view) return { proceed: true };
  if (view.reauthNeeded) {
    return { proceed: false, block: 'reauthorization', message: 'the connection needs reauthorization; waiting until it is reauthorized' };
  }
  if (view.breaker !== 'closed') {
    return {
      proceed: false,
      block: 'connection-down',
      message: `the connection's circuit breaker is ${view.breaker}: waiting until a probe finds it answering again`,
    };
  }
  if (pacedAt === undefined) return { proceed: true };
  if (view.pausedUntil !== undefined && view.pausedUntil > now) {
    const retryAfterMs = view.pausedUntil - now;
    return {
      proceed: false,
      block: 'rate-paused',
      retryAfterMs,
      capPerSecond: view.capPerSecond,
      message: `writes to this connection are paused for ${(retryAfterMs / 1000).toFixed(1)} s after a 429`,
    };
  }
  // A small tolerance: float weights make the round trip through the server.
  if (view.capPerSecond !== undefined && pacedAt > view.capPerSecond * 1.001) {
    return {
      proceed: false,
      block: 'rate-reduced',
      capPerSecond: view.capPerSecond,
      message: `the connection's write rate is reduced to ${(view.capPerSecond * 60).toFixed(1)}/min after 429s; rescheduling at that rate`,
    };
  }
  return { proceed: true };
}
